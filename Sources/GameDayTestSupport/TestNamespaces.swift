import Foundation
import GameDayRuntime

/// The network namespaces tests (and benches) create: named `gameday-test-<pid>-…`, so that the
/// namespaces of a crashed run can be told from a live run's and removed.
public enum TestNamespaces {
    public static let prefix = "gameday-test-"

    /// Root and iproute2.
    public static let isAvailable: Bool = {
        guard getuid() == 0 else { return false }
        return FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
            || FileManager.default.isExecutableFile(atPath: "/sbin/ip")
    }()

    /// Runs a short command synchronously (setup and teardown must also run on a throwing path),
    /// looked up in PATH; its stdout, or "" when it cannot start.
    public static func output(_ argv: [String]) -> String {
        let spawn = Spawn(argv, searchesPath: true, standardOutput: .pipe)
        return (try? spawn.start().finish().stdout) ?? ""
    }

    /// Kills every process in the namespace and deletes it.
    public static func remove(_ name: String) {
        for pid in output(["ip", "netns", "pids", name]).split(whereSeparator: \.isNewline).compactMap({ Int32($0) }) {
            kill(pid, SIGKILL)
        }
        _ = output(["ip", "netns", "del", name])
    }

    /// Deletes `gameday-test-<pid>-*` namespaces whose process is gone (a crashed run).
    public static func removeLeftovers() {
        for line in output(["ip", "netns", "list"]).split(whereSeparator: \.isNewline) {
            let name = String(line.split(separator: " ").first ?? "")
            guard name.hasPrefix(prefix),
                let pid = Int32(name.dropFirst(prefix.count).split(separator: "-").first ?? ""),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            remove(name)
        }
    }
}
