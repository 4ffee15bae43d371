@preconcurrency import Dispatch
import Foundation

/// Runs a program the lab needs but does not build (Prometheus, its Pushgateway) as a lab process
/// (`gameday lab companion`): its child, tied to the lab's life.
///
/// The program never outlives the lab: it stops when the companion gets SIGTERM or SIGINT (passed
/// on, as a service's supervisor does), when the process the lab is tied to is gone, and when no
/// server of the lab is left (a lab killed by hand); and it is started through `setpriv
/// --pdeathsig KILL`, so even a companion killed with SIGKILL takes it along.
public struct LabCompanion: Sendable {
    /// The name its pid file and log are named after (`prometheus`).
    public var name: String
    public var runDirectory: String
    /// The program's argv; `argv[0]` is an absolute path.
    public var program: [String]
    public var tiedTo: Int32?
    /// How often the lab is looked for.
    public var interval: Duration = .seconds(1)

    public init(name: String, runDirectory: String, program: [String], tiedTo: Int32?) {
        self.name = name
        self.runDirectory = runDirectory
        self.program = program
        self.tiedTo = tiedTo
    }

    /// Runs the program until it exits. Returns what the companion should exit with: its exit
    /// status, or 128 + the signal that ended it.
    ///
    /// On the main thread and blocking: the parent-death signal fires when the thread that started
    /// the program ends, so that thread must live as long as the companion.
    public func run() throws(LabError) -> Int32 {
        let paths = LabPaths(runDirectory: runDirectory)
        let forwarding = SignalForwarding()
        let argv = Self.dyingWithParent(program)
        let pid = try DetachedProcess.spawn(
            executable: argv[0], arguments: Array(argv.dropFirst()), logFile: paths.logFile(name))
        forwarding.forward(to: pid)
        LabLog.line("\(name): companion pid \(getpid()) started \(program[0]), pid \(pid)")
        try? "\(pid)\n".write(toFile: paths.pidFile(name), atomically: true, encoding: .utf8)

        let watch = DispatchSource.makeTimerSource(queue: .global())
        let seconds = interval.milliseconds / 1000
        watch.schedule(deadline: .now() + seconds, repeating: seconds)
        watch.setEventHandler {
            guard let reason = labGone(paths) else { return }
            LabLog.line("\(name): \(reason); stopping \(program[0])")
            kill(pid, SIGTERM)
            watch.cancel()
        }
        watch.resume()

        let code = wait(for: pid)
        forwarding.stop()
        watch.cancel()
        if LabProcessTable.pid(inFile: paths.pidFile(name)) == pid { unlink(paths.pidFile(name)) }
        LabLog.line("\(name): \(program[0]) pid \(pid) exited (\(code))")
        return code
    }

    /// Why the program should stop now, or nil while the lab is there.
    private func labGone(_ paths: LabPaths) -> String? {
        if let tiedTo, !LabProcessTable.isAlive(tiedTo) { return "process \(tiedTo) the lab is tied to is gone" }
        if LabProcessTable.labServeProcesses(runDirectory: paths.root).isEmpty { return "no lab service is left" }
        return nil
    }

    /// Waits until `pid` exits; its exit status, or 128 + the signal that ended it.
    private func wait(for pid: pid_t) -> Int32 {
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, 0)
            if result == -1 {
                if errno == EINTR { continue }
                return 1
            }
            let signal = status & 0x7f
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal
        }
    }

    /// `setpriv --pdeathsig KILL -- argv` (util-linux): the program dies with the companion, however
    /// that ends. Just `argv` where setpriv is missing; `lab down` still finds it by its flags.
    static func dyingWithParent(_ argv: [String]) -> [String] {
        let candidates = ["/usr/bin/setpriv", "/bin/setpriv"]
        guard let setpriv = candidates.first(where: { path in access(path, X_OK) == 0 }) else {
            return argv
        }
        return [setpriv, "--pdeathsig", "KILL", "--"] + argv
    }
}
