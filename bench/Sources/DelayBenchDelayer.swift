import Foundation
import GameDayCore
import GameDayRuntime

/// One `gameday delayer` started by the bench in the receiver's namespace: its CPU time, read from
/// /proc while it runs, and its tally line once it is stopped.
///
/// `ip netns exec` execs the delayer in place, so the pid the bench started is the delayer's own.
/// The delayer watches the bench as its runner (`--runner-pid`, and a heartbeat file that never
/// exists), so it ends itself within 100 ms if the bench is killed.
struct DelayBenchDelayer: Sendable {
    /// The delayer's own account, from its last line: "N packets delayed, … late by X µs on
    /// average, Y µs at worst".
    struct Tally: Codable, Sendable, Hashable {
        var line: String
        var delayed: Int?
        var lostOnPurpose: Int?
        var letThroughUndelayed: Int?
        var lateMeanMicroseconds: Double?
        var lateWorstMicroseconds: Double?

        init(line: String) {
            self.line = line
            delayed = Self.number(before: " packets delayed", in: line).map(Int.init)
            lostOnPurpose = Self.number(before: " lost on purpose", in: line).map(Int.init)
            letThroughUndelayed = Self.number(before: " let through undelayed", in: line).map(Int.init)
            lateMeanMicroseconds = Self.number(before: " µs on average", in: line)
            lateWorstMicroseconds = Self.number(before: " µs at worst", in: line)
        }

        /// The number written just before `label`.
        static func number(before label: String, in line: String) -> Double? {
            guard let range = line.range(of: label) else { return nil }
            let digits = line[..<range.lowerBound].reversed().prefix { $0.isNumber || $0 == "." }
            return Double(String(digits.reversed()))
        }
    }

    /// CPU time the delayer has used: `utime + stime` of /proc/PID/stat in clock ticks (what the
    /// issue asks for; 10 ms each here), and the scheduler's nanoseconds summed over its threads
    /// (/proc/PID/task/*/schedstat), which resolve the small steps.
    struct CPU: Codable, Sendable, Hashable {
        var ticksMilliseconds = 0.0
        var scheduledMilliseconds = 0.0
        /// The wall time the CPU time was counted over (set by the caller).
        var wallMilliseconds = 0.0

        /// The scheduler's count as a share of one core over the wall time.
        var percentOfCore: Double { wallMilliseconds > 0 ? scheduledMilliseconds * 100 / wallMilliseconds : 0 }

        static func - (left: CPU, right: CPU) -> CPU {
            CPU(
                ticksMilliseconds: left.ticksMilliseconds - right.ticksMilliseconds,
                scheduledMilliseconds: left.scheduledMilliseconds - right.scheduledMilliseconds)
        }
    }

    let process: SpawnedProcess

    var pid: pid_t { process.pid }

    /// Starts a delayer on `queue` in `namespace` and waits until it has bound the queue.
    static func start(
        gameday: String, namespace: NamespaceName, queue: UInt16, delay: Duration, jitter: Duration, reorder: Bool,
        runID: String
    ) async throws -> DelayBenchDelayer {
        let ready = "/tmp/gameday-bench-\(runID)-delayer.ready"
        unlink(ready)
        let own =
            [
                gameday, "delayer", "--tag", "gameday-bench-\(runID)/delayer", "--queue", "\(queue)", "--delay",
                DurationText.format(delay), "--jitter", DurationText.format(jitter), "--loss", "0",
                "--heartbeat", "/tmp/gameday-bench-\(runID).no-heartbeat", "--timeout", "10s", "--deadline",
                String(format: "%.0f", Date().timeIntervalSince1970 + 1_800), "--runner-pid", "\(getpid())",
                "--ready", ready,
            ] + (reorder ? ["--reorder"] : [])
        let argv = NetnsExecutor.wrap(own, in: namespace)
        let process = try Spawn(
            argv, searchesPath: true, standardOutput: .temporaryFile, standardError: .standardOutput
        ).start()
        let delayer = DelayBenchDelayer(process: process)
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: ready) {
            if ContinuousClock.now > deadline || delayer.hasExited {
                process.cancel()
                let output = await OwnThread.run { process.finish(deadline: .now + .seconds(5)) }
                throw BenchError.commandFailed(
                    argv: argv, exitCode: output.exitCode,
                    lastLine: output.stdout.split(whereSeparator: \.isNewline).last.map(String.init)
                        ?? "it did not bind queue \(queue) within 10 s")
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        unlink(ready)
        return delayer
    }

    /// The CPU time used so far.
    func cpu() -> CPU {
        var cpu = CPU()
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            // Fields after "pid (comm) ": state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) {
                cpu.ticksMilliseconds = (user + system) * 1_000 / Double(sysconf(Int32(_SC_CLK_TCK)))
            }
        }
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/schedstat", encoding: .utf8)) ?? ""
            cpu.scheduledMilliseconds += Double(text.split(separator: " ").first ?? "0").map { $0 / 1e6 } ?? 0
        }
        return cpu
    }

    /// Sends SIGTERM (the delayer lets every held packet go) and returns its tally.
    func stop() async -> Tally {
        kill(pid, SIGTERM)
        let output = await OwnThread.run { [process] in process.finish(deadline: .now + .seconds(10)) }
        let line = output.stdout.split(whereSeparator: \.isNewline).last { $0.contains("packets delayed") }
        return Tally(line: line.map(String.init) ?? "no tally (exit \(output.exitCode)): \(output.stdout)")
    }

    /// Whether the delayer has exited (it stays a zombie until `finish` reaps it).
    private var hasExited: Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: close)...].dropFirst().first == "Z"
    }
}
