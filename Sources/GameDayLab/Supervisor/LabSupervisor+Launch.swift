import Foundation

extension LabSupervisor {
    /// Starts `service` under its own supervisor (`ServiceSupervisor`), in `namespace` when given,
    /// and returns the server's pid once the supervisor has written it to the pid file.
    ///
    /// `serveArguments` are the server's argv after the executable (`lab serve ...`, as `lab.json`
    /// keeps them).
    func launch(
        service: String, executable: String, serveArguments: [String], namespace: String?,
        timeout: Duration = .seconds(10)
    ) async throws -> pid_t {
        let pidFile = paths.pidFile(service)
        let logFile = paths.logFile(service)
        // A pid file left by a killed server would pass for the new one.
        unlink(pidFile)
        let supervisor = try spawn(
            executable: executable,
            arguments: Self.supervisorArguments(
                service: service, runDirectory: paths.root, serveArguments: serveArguments),
            namespace: namespace, logFile: logFile)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let pid = LabProcessTable.pid(inFile: pidFile) { return pid }
            if !LabProcessTable.isAlive(supervisor) {
                // It may have written the file just before it exited (a server that failed at once).
                if let pid = LabProcessTable.pid(inFile: pidFile) { return pid }
                throw LabError.supervisorExited(service: service, logFile: logFile, logTail: logTail(logFile))
            }
            if clock.now >= deadline {
                // SIGTERM, not SIGKILL: a supervisor that did start a server passes it on and logs its exit.
                kill(supervisor, SIGTERM)
                throw LabError.supervisorTimedOut(
                    service: service, timeout: timeout, pidFile: pidFile, logFile: logFile, logTail: logTail(logFile))
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// `lab supervise --service NAME --run-dir D -- FLAGS`, FLAGS being the server's flags after
    /// `lab serve`. Without those two words: a supervisor's command line must not pass for its
    /// server's, neither to `LabProcessTable.isLabServe` nor to a target's `cmdline: "lab serve ..."`
    /// locator, which would then kill the supervisor along with the server.
    static func supervisorArguments(service: String, runDirectory: String, serveArguments: [String]) -> [String] {
        let flags = serveArguments.starts(with: ["lab", "serve"]) ? Array(serveArguments.dropFirst(2)) : serveArguments
        return ["lab", "supervise", "--service", service, "--run-dir", runDirectory, "--"] + flags
    }
}
