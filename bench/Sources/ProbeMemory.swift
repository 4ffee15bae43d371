import Foundation
import GameDayCore
import GameDayRuntime

/// The engine's peak memory: the high-water mark of resident memory (`VmHWM` in /proc/self/status)
/// of a fresh `gameday-bench probe-memory` process that probes 1,000 users × 10 Hz for 60 s into
/// the runner's `SampleStore` (as `gameday run` does, in an `observe` phase, plus a counter), beside
/// the same process with an engine and a store for no user (the reference: the runtime, libcurl
/// and the bench's own code).
struct ProbeMemory: Sendable {
    /// What one `probe-memory` child reports on its last line.
    struct Peak: Sendable, Codable {
        var users: Int
        var seconds: Int
        var peakKiB: Int
        var delivered: Int
        var failed: Int
        var skipped: Int
    }

    var engine: Peak
    var reference: Peak

    static func measure(url: String, options: ProbeBenchOptions) async throws -> ProbeMemory {
        GameDayBench.progress("peak memory: reference, an engine with no user, 2 s")
        let reference = try await child(url: url, users: 0, seconds: 2, options: options)
        GameDayBench.progress(
            "peak memory: \(options.memoryUsers) users every \(options.intervalMilliseconds) ms, "
                + "\(options.memorySeconds) s")
        let engine = try await child(
            url: url, users: options.memoryUsers, seconds: options.memorySeconds, options: options)
        return ProbeMemory(engine: engine, reference: reference)
    }

    private static func child(url: String, users: Int, seconds: Int, options: ProbeBenchOptions) async throws -> Peak {
        let argv = [
            CommandLine.arguments[0], "probe-memory", "--url", url, "--memory-users", "\(users)",
            "--memory-seconds", "\(seconds)", "--interval-ms", "\(options.intervalMilliseconds)",
        ]
        let output = try await LocalExecutor().run(argv, timeout: .seconds(seconds + 60))
        guard output.exitCode == 0, let line = output.stdout.split(separator: "\n").last,
            let peak = try? JSONDecoder().decode(Peak.self, from: Data(line.utf8))
        else {
            throw BenchError.commandFailed(argv: argv, exitCode: output.exitCode, lastLine: output.lastLine)
        }
        return peak
    }

    /// The child's side: probes, stops, and prints its peak as one JSON line.
    static func runChild(_ options: ProbeBenchOptions) async throws -> String {
        let counter = CountingSink()
        let interval = Duration.milliseconds(options.intervalMilliseconds)
        // One group, as a drill's `generate:` users are: the store keeps aggregates per group.
        let users = (0..<options.memoryUsers).map { TestUser(id: $0 + 1, group: "bench") }
        let clock = ContinuousRunClock()
        let store = SampleStore(
            users: users, home: { _ in nil }, recovery: .consecutive(5), guardrail: .consecutive(3),
            bucket: max(interval, .milliseconds(100)), reporter: SilentReporter())
        _ = store.beginPhase(.observe, clock)
        let prober = ProbeBench.prober(url: options.url, interval: interval, maxInFlight: nil)
        let probes = CurlMultiProbeLauncher().start(
            users: users, prober: prober, clock: clock, sink: TeeProbeSink([store, counter]))
        try await Task.sleep(for: .seconds(options.memorySeconds))
        await probes.stop()
        let sink = counter
        // What the report reads at the end; part of the peak as it is of a run's.
        _ = store.snapshot()
        let counts = sink.counts
        let peak = Peak(
            users: options.memoryUsers, seconds: options.memorySeconds, peakKiB: try highWaterMark(),
            delivered: counts.delivered, failed: counts.failed, skipped: counts.skipped)
        return String(decoding: try JSONEncoder().encode(peak), as: UTF8.self)
    }

    /// `VmHWM` of this process, in KiB.
    private static func highWaterMark() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { throw BenchError.usage("no VmHWM in /proc/self/status: the memory bench needs Linux") }
        return kib
    }
}

/// Drops the run events a `SampleStore` reports: the bench has no terminal to show them on.
struct SilentReporter: RunReporter {
    func report(_ event: RunEvent) {}
}
