import Foundation

/// One change in a lab server's state as its supervisor saw it, and its line in `D/services.jsonl`.
///
/// Not called `ServiceEvent`: that is the name tests read these lines back as (GameDayTestSupport),
/// and both modules are imported into the lab tests.
struct ServiceTransition: Sendable, Hashable {
    /// What happened to the server.
    enum Kind: String, Sendable, Hashable {
        /// The supervisor has just spawned it.
        case started
        /// A signal stopped it (SIGSTOP, SIGTSTP...).
        case stopped
        /// SIGCONT resumed it.
        case continued
        /// It is gone, by its own exit or by a signal, and reaped.
        case exited
    }

    var service: String
    var pid: pid_t
    var kind: Kind
    /// The signal that caused the change (`KILL`, `STOP`, `CONT`); nil for a start or a normal exit.
    var signal: String?
    /// The exit status of a normal exit.
    var status: Int32?
    var at: LabTimestamp

    init(service: String, pid: pid_t, kind: Kind, signal: String? = nil, status: Int32? = nil, at: LabTimestamp) {
        self.service = service
        self.pid = pid
        self.kind = kind
        self.signal = signal
        self.status = status
        self.at = at
    }

    /// The transition a `waitid` result describes: its `si_code` (`CLD_EXITED`, `CLD_KILLED`...) and
    /// `si_status` (an exit status or a signal number). Nil for a ptrace stop, which the lab never causes.
    init?(service: String, pid: pid_t, code: Int32, status: Int32, at: LabTimestamp) {
        switch Int(code) {
        case Int(CLD_EXITED):
            self.init(service: service, pid: pid, kind: .exited, status: status, at: at)
        case Int(CLD_KILLED), Int(CLD_DUMPED):
            self.init(service: service, pid: pid, kind: .exited, signal: Self.signalName(status), at: at)
        case Int(CLD_STOPPED):
            self.init(service: service, pid: pid, kind: .stopped, signal: Self.signalName(status), at: at)
        case Int(CLD_CONTINUED):
            self.init(service: service, pid: pid, kind: .continued, signal: Self.signalName(status), at: at)
        default:
            return nil
        }
    }

    /// What the supervisor exits with once the server has exited: its status, or 128 + the signal,
    /// as a shell reports it.
    var exitCode: Int32 {
        if let status { return status }
        return 128 + (signal.flatMap { name in Self.signalNames.first { $0.value == name }?.key } ?? 0)
    }

    /// `{"service":"beijing-product","pid":1234,"event":"exited","signal":"KILL","unix_ms":…,"at":"…"}`,
    /// with a newline. Written by hand for a fixed key order, like the control plane's ground truth;
    /// nothing needs escaping: service names are the lab's own (`lab supervise` refuses others),
    /// events and signal names come from fixed vocabularies, the rest are numbers.
    var jsonLine: String {
        var line = #"{"service":"\#(service)","pid":\#(pid),"event":"\#(kind.rawValue)""#
        if let signal { line += #","signal":"\#(signal)""# }
        if let status { line += #","status":\#(status)"# }
        return line + #","unix_ms":\#(at.unixMilliseconds),"at":"\#(at.rfc3339)"}"# + "\n"
    }

    /// `KILL` for SIGKILL, as `kill -l` prints it; the number for a signal without a name here
    /// (a real-time one).
    static func signalName(_ number: Int32) -> String {
        signalNames[number] ?? String(number)
    }

    private static let signalNames: [Int32: String] = [
        SIGHUP: "HUP", SIGINT: "INT", SIGQUIT: "QUIT", SIGILL: "ILL", SIGTRAP: "TRAP", SIGABRT: "ABRT",
        SIGBUS: "BUS", SIGFPE: "FPE", SIGKILL: "KILL", SIGUSR1: "USR1", SIGSEGV: "SEGV", SIGUSR2: "USR2",
        SIGPIPE: "PIPE", SIGALRM: "ALRM", SIGTERM: "TERM", SIGCHLD: "CHLD", SIGCONT: "CONT", SIGSTOP: "STOP",
        SIGTSTP: "TSTP", SIGTTIN: "TTIN", SIGTTOU: "TTOU", SIGURG: "URG", SIGXCPU: "XCPU", SIGXFSZ: "XFSZ",
        SIGVTALRM: "VTALRM", SIGPROF: "PROF", SIGWINCH: "WINCH", SIGIO: "IO", SIGPWR: "PWR", SIGSYS: "SYS",
    ]
}
