import Foundation

/// What can go wrong while starting, stopping or running the lab.
public enum LabError: Error, LocalizedError, Equatable {
    case noLab(runDirectory: String)
    case unknownService(String, known: [String])
    case portInUse(Int)
    case spawnFailed(service: String, errno: Int32)
    case serviceExited(service: String, logFile: String, logTail: String)
    case serviceUnhealthy(service: String, timeout: Duration, logFile: String, logTail: String)
    case tokenUnreadable(path: String)
    case invalidManifest(path: String, reason: String)
    case missingOption(role: LabRole, option: String)
    case networkSetupFailed(argv: [String], message: String)
    case subnetInUse(subnet: String, holder: String)
    case supervisorExited(service: String, logFile: String, logTail: String)
    case supervisorTimedOut(service: String, timeout: Duration, pidFile: String, logFile: String, logTail: String)
    case eventLogUnwritable(path: String, errno: Int32)
    /// `--units` names too few, too many, repeated or unusable units.
    case invalidUnits(String)
    /// The fixed port layout from `--base-port` runs past 65535 for this many units.
    case portsOutOfRange(base: Int, last: Int)
    /// `lab up --prometheus` without Debian's `prometheus` or `prometheus-pushgateway`.
    case prometheusMissing(program: String)
    /// A companion (`prometheus`, `pushgateway`) exited while the lab was starting it.
    case companionExited(name: String, logFile: String, logTail: String)
    /// Prometheus did not get ready, or did not report `up == 1` for these targets, in time.
    case prometheusNotScraping(url: String, missing: [String], timeout: Duration, logFile: String, logTail: String)

    /// A service could not bind its port because something took it after the port was chosen
    /// (its log says `Address already in use`, errno 98).
    public var isPortTakenMeanwhile: Bool {
        guard case .serviceExited(_, _, let tail) = self else { return false }
        return tail.contains("Address already in use")
    }

    public var errorDescription: String? {
        switch self {
        case .noLab(let dir):
            "no lab in \(dir) (lab.json is missing); start one with 'gameday lab up --run-dir \(dir)'"
        case .unknownService(let name, let known):
            "no lab service named '\(name)'; the lab has: \(known.joined(separator: ", "))"
        case .portInUse(let port):
            "port \(port) on 127.0.0.1 is already in use; stop what holds it or choose '--base-port' (0 picks free ports)"
        case .spawnFailed(let service, let code):
            "could not start \(service): \(String(cString: strerror(code)))"
        case .serviceExited(let service, let log, let tail):
            "\(service) exited while starting; last lines of \(log):\n\(tail)"
        case .serviceUnhealthy(let service, let timeout, let log, let tail):
            "\(service) did not answer /health with 200 within \(timeout); last lines of \(log):\n\(tail)"
        case .tokenUnreadable(let path):
            "cannot read the lab token from \(path); run 'gameday lab up' again to write a new one"
        case .invalidManifest(let path, let reason):
            "\(path) is not a lab manifest (\(reason)); run 'gameday lab down' and 'gameday lab up' to rebuild it"
        case .missingOption(let role, let option):
            "'lab serve --role \(role.rawValue)' needs '\(option)'"
        case .networkSetupFailed(let argv, let message):
            "could not set up the lab's network namespaces: '\(argv.joined(separator: " "))' failed: \(message); "
                + "run 'gameday lab down' to remove what was made, or start with '--isolation loopback'"
        case .subnetInUse(let subnet, let holder):
            "\(subnet) is already in use on this host (\(holder.trimmingCharacters(in: .whitespacesAndNewlines))); "
                + "take down the lab that holds it ('gameday lab down --run-dir ...') or use another run directory"
        case .supervisorExited(let service, let log, let tail):
            "the supervisor of \(service) exited before it had started the server; last lines of \(log):\n\(tail)"
        case .supervisorTimedOut(let service, let timeout, let pidFile, let log, let tail):
            "the supervisor of \(service) did not write \(pidFile) within \(timeout) (is the machine overloaded?); "
                + "last lines of \(log):\n\(tail)"
        case .eventLogUnwritable(let path, let code):
            "cannot append to \(path): \(String(cString: strerror(code))); check the run directory's permissions"
        case .invalidUnits(let problem):
            "--units: \(problem)"
        case .portsOutOfRange(let base, let last):
            "--base-port \(base) puts the last unit's ports at \(last), past 65535; choose a lower base port (0 picks free ports)"
        case .prometheusMissing(let program):
            "\(program) is not installed; install Debian's prometheus and prometheus-pushgateway packages "
                + "('apt-get install -y --no-install-recommends prometheus prometheus-pushgateway', as "
                + "scripts/setup.sh does) or start the lab without --prometheus"
        case .companionExited(let name, let log, let tail):
            "\(name) exited while the lab was starting it; the lab was stopped; last lines of \(log):\n\(tail)"
        case .prometheusNotScraping(let url, let missing, let timeout, let log, let tail):
            "Prometheus at \(url) did not report up == 1 within \(timeout) for "
                + (missing.isEmpty ? "its targets (it never answered /-/ready)" : missing.joined(separator: ", "))
                + "; the lab was stopped; last lines of \(log):\n\(tail)"
        }
    }
}
