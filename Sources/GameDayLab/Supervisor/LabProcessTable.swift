import Foundation

/// Looks processes up in `/proc`. A pid alone proves nothing (pids are reused, and killed
/// processes may linger as zombies when nobody reaps them), so the lab only ever signals a pid whose
/// command line is `... lab serve ... --run-dir D` (a server) or `... lab supervise ... --run-dir D`
/// (its supervisor) for its own D.
public enum LabProcessTable {
    /// Whether `pid` exists and is not a zombie.
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return true }
        // Field 3, right after "(comm)", is the state; comm itself may contain spaces and parens.
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// The argv of `pid`, or nil when it is gone or a zombie (whose cmdline is empty).
    public static func arguments(of pid: pid_t) -> [String]? {
        guard let text = read("/proc/\(pid)/cmdline"), !text.isEmpty else { return nil }
        return text.split(separator: "\0").map(String.init)
    }

    /// Whether `pid` is a live `gameday lab serve` process of the lab in `runDirectory`.
    public static func isLabServe(_ pid: pid_t, runDirectory: String) -> Bool {
        guard isAlive(pid), let argv = arguments(of: pid) else { return false }
        return isLabServe(argv: argv, runDirectory: runDirectory)
    }

    static func isLabServe(argv: [String], runDirectory: String) -> Bool {
        isLab("serve", argv: argv, runDirectory: runDirectory)
    }

    /// Whether `pid` is a live `gameday lab supervise` process of the lab in `runDirectory`.
    public static func isLabSupervisor(_ pid: pid_t, runDirectory: String) -> Bool {
        guard isAlive(pid), let argv = arguments(of: pid) else { return false }
        return isLabSupervisor(argv: argv, runDirectory: runDirectory)
    }

    static func isLabSupervisor(argv: [String], runDirectory: String) -> Bool {
        isLab("supervise", argv: argv, runDirectory: runDirectory)
    }

    /// `lab SUBCOMMAND ... --run-dir D` for this D.
    private static func isLab(_ subcommand: String, argv: [String], runDirectory: String) -> Bool {
        let pairs = zip(argv, argv.dropFirst())
        return pairs.contains { $0 == "lab" && $1 == subcommand }
            && pairs.contains { $0 == "--run-dir" && $1 == runDirectory }
    }

    /// Every live `lab serve` process of the lab in `runDirectory`, whether or not a pid file names it.
    public static func labServeProcesses(runDirectory: String) -> [pid_t] {
        processes { isLabServe($0, runDirectory: runDirectory) }
    }

    /// Every live `lab supervise` process of the lab in `runDirectory`.
    public static func labSupervisorProcesses(runDirectory: String) -> [pid_t] {
        processes { isLabSupervisor($0, runDirectory: runDirectory) }
    }

    /// The pids in `/proc` other than this process that `matches`, in order.
    private static func processes(where matches: (pid_t) -> Bool) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { $0 != getpid() && matches($0) }.sorted()
    }

    /// The pid written in a pid file.
    public static func pid(inFile path: String) -> pid_t? {
        read(path).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Reads a whole file with plain read(2): `/proc` files report a size of 0, which defeats
    /// readers that trust the size.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
