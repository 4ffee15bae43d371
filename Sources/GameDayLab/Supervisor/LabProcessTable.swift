import Foundation
import GameDayRuntime

/// Looks the lab's processes up in `/proc` (through `ProcessTable`). A pid alone proves nothing
/// (pids are reused, and killed processes may linger as zombies when nobody reaps them), so the
/// lab only ever signals a pid whose command line is `... lab serve ... --run-dir D` (a server)
/// or `... lab supervise ... --run-dir D` (its supervisor) for its own D.
public enum LabProcessTable {
    private static let table = ProcessTable()

    /// Whether `pid` exists and is not a zombie.
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        // A process that answers but whose /proc entry cannot be read (hidden from us) is alive.
        return table.state(of: pid).map(ProcessTable.isLive) ?? true
    }

    /// The argv of `pid`, or nil when it is gone or a zombie (whose cmdline is empty).
    public static func arguments(of pid: pid_t) -> [String]? { table.arguments(of: pid) }

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
        table.pids().filter { $0 != getpid() && isLabServe($0, runDirectory: runDirectory) }
    }

    /// Every live `lab supervise` process of the lab in `runDirectory`.
    public static func labSupervisorProcesses(runDirectory: String) -> [pid_t] {
        table.pids().filter { $0 != getpid() && isLabSupervisor($0, runDirectory: runDirectory) }
    }

    /// Whether `pid` is a live `gameday lab companion` process of the lab in `runDirectory`.
    public static func isLabCompanion(_ pid: pid_t, runDirectory: String) -> Bool {
        guard isAlive(pid), let argv = arguments(of: pid) else { return false }
        return isLab("companion", argv: argv, runDirectory: runDirectory)
    }

    /// Every live `lab companion` process of the lab in `runDirectory`.
    public static func labCompanionProcesses(runDirectory: String) -> [pid_t] {
        table.pids().filter { $0 != getpid() && isLabCompanion($0, runDirectory: runDirectory) }
    }

    /// The `--name` of a `lab companion` process.
    public static func companionName(of pid: pid_t) -> String? {
        guard let argv = arguments(of: pid) else { return nil }
        return zip(argv, argv.dropFirst()).first { $0.0 == "--name" }?.1
    }

    /// Every live Prometheus or Pushgateway with a flag naming a file under `directory`.
    static func programsUsing(directory: String) -> [pid_t] {
        table.pids().filter { $0 != getpid() && isProgram($0, using: directory) }
    }

    static func isProgram(_ pid: pid_t, using directory: String) -> Bool {
        guard isAlive(pid), let argv = arguments(of: pid), let program = argv.first else { return false }
        let programs = [LabPrometheus.prometheusProgram, LabPrometheus.pushgatewayProgram]
        return programs.contains(program) && argv.dropFirst().contains { $0.contains("=" + directory + "/") }
    }

    /// The pid written in a pid file.
    public static func pid(inFile path: String) -> pid_t? {
        ProcessTable.read(path).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
