import Foundation

/// What `lab restart-service` did.
public enum LabRestartOutcome: Sendable, Hashable {
    /// The service was started again and answers `/health`.
    case restarted(LabManifest.Service)
    /// It was already running and healthy; nothing was changed.
    case alreadyRunning(LabManifest.Service)
}

extension LabSupervisor {
    /// Starts one service again with the port and options `lab up` gave it (the revert of a kill
    /// fault), waits until it is healthy, and records its new pid.
    public func restart(service name: String, healthTimeout: Duration = .seconds(15)) async throws -> LabRestartOutcome
    {
        // One restart of a service at a time. A runner killed while its revert restarts a service
        // leaves that restart running, and its watchdog starts another: without the lock the second
        // one took the first's half-started process for a hung one, killed it, and started a process
        // that could not bind the port the first still held, leaving the service down.
        let lock = open(
            paths.root + "/.restart-\(name).lock", O_CREAT | O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH)
        defer { if lock >= 0 { close(lock) } }
        if lock >= 0 {
            while flock(lock, LOCK_EX) == -1, errno == EINTR {}
        }
        var manifest = try LabManifest.load(from: paths)
        guard let index = manifest.services.firstIndex(where: { $0.name == name }) else {
            throw LabError.unknownService(name, known: manifest.services.map(\.name))
        }
        let old = manifest.services[index]
        if let pid = LabProcessTable.pid(inFile: old.pidFile), LabProcessTable.isLabServe(pid, runDirectory: paths.root)
        {
            if await HealthCheck.isHealthy(old.healthURL) {
                var current = old
                current.pid = pid
                return .alreadyRunning(current)
            }
            // Running but not answering (e.g. stopped with SIGSTOP): replace it, it holds the port.
            _ = await terminate([pid], grace: .seconds(3))
        }
        // In its namespace again, when it had one: a unit service restarted on the host's
        // loopback would be out of the gateway's reach and out of its unit's faults. Under a
        // supervisor of its own, which logs the new pid's `started` to services.jsonl.
        let pid = try await launch(
            service: name, executable: manifest.executable, serveArguments: old.arguments, namespace: old.namespace)
        var started = old
        started.pid = pid
        do {
            try await waitUntilHealthy([started], timeout: healthTimeout)
        } catch {
            _ = await terminate([pid], grace: .seconds(1))
            throw error
        }
        manifest.services[index] = started
        try manifest.save(to: paths)
        return .restarted(started)
    }
}
