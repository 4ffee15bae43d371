import Foundation
import GameDayRuntime

/// One lab server's supervising process (`gameday lab supervise`): starts the server as its own
/// child, writes the server's pid to the service's pid file, then waits on it and logs every change
/// of its state to `D/services.jsonl` the moment the kernel reports it: the lab's ground truth of
/// when a kill or a pause fault took effect.
///
/// The server is the one that counts: the pid file, `lab status`, `lab down`, `restart-service`
/// and kill faults all act on it, never on the supervisor. SIGTERM and SIGINT to the supervisor are
/// passed on to the server, and the supervisor exits once it has logged the server's exit. A
/// supervisor killed with SIGKILL leaves its server running, unwatched: nothing is logged for it
/// from then on, and `lab down` still stops it.
public struct ServiceSupervisor: Sendable {
    /// The service name (`beijing-product`), as its pid file and log are named.
    public var service: String
    public var runDirectory: String
    /// The server's flags, what follows `lab serve`.
    public var serveArguments: [String]
    /// The `gameday` executable the server is started from.
    public var executable: String

    public init(
        service: String, runDirectory: String, serveArguments: [String],
        executable: String = ProcessTable.currentExecutable()
    ) {
        self.service = service
        self.runDirectory = runDirectory
        self.serveArguments = serveArguments
        self.executable = executable
    }

    /// Supervises the server until it exits. Returns what the supervisor should exit with: the
    /// server's exit status, or 128 + the signal that ended it.
    public func run() throws(LabError) -> Int32 {
        let paths = LabPaths(runDirectory: runDirectory)
        let log = try ServiceEventLog(path: paths.serviceEventLog)
        // Before the spawn, so that a `lab down` arriving meanwhile reaches the server too.
        let forwarding = SignalForwarding()
        // `DetachedProcess` as for every lab process: the server keeps a session and process group
        // of its own, as before it had a supervisor, and appends to the service's log like it.
        let pid = try DetachedProcess.spawn(
            executable: executable, arguments: ["lab", "serve"] + serveArguments, logFile: paths.logFile(service))
        log.append(ServiceTransition(service: service, pid: pid, kind: .started, at: LabTimestamp.now()))
        forwarding.forward(to: pid)
        LabLog.line("\(service): supervisor pid \(getpid()) started the server, pid \(pid)")
        do {
            // Atomically (a temporary file renamed): `lab up` waits for this file and must never
            // read half a pid.
            try "\(pid)\n".write(toFile: paths.pidFile(service), atomically: true, encoding: .utf8)
        } catch {
            // Without a pid file nobody can act on the server: stop it, and log that like any exit.
            LabLog.line("\(service): cannot write \(paths.pidFile(service)) (\(error)); stopping the server")
            kill(pid, SIGTERM)
        }
        return watch(pid, log: log, forwarding: forwarding)
    }

    /// Waits for every state change of `pid` and logs it, until it has exited.
    private func watch(_ pid: pid_t, log: ServiceEventLog, forwarding: SignalForwarding) -> Int32 {
        while true {
            var info = siginfo_t()
            guard waitid(P_PID, id_t(pid), &info, WEXITED | WSTOPPED | WCONTINUED) == 0 else {
                if errno == EINTR { continue }
                // ECHILD: it is not (or no longer) this process's child. Nothing left to watch.
                LabLog.line("\(service): cannot wait for pid \(pid): \(String(cString: strerror(errno)))")
                forwarding.stop()
                return 1
            }
            // Read first, before anything else runs: this is the instant the tests compare with.
            let at = LabTimestamp.now()
            let status = info._sifields._sigchld.si_status
            guard
                let transition = ServiceTransition(
                    service: service, pid: pid, code: info.si_code, status: status, at: at)
            else { continue }
            if transition.kind == .exited { forwarding.stop() }
            log.append(transition)
            if transition.kind == .exited {
                LabLog.line("\(service): server pid \(pid) exited (\(transition.signal ?? "status \(status)"))")
                return transition.exitCode
            }
        }
    }
}
