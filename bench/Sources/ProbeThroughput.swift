import Foundation
import GameDayCore
import GameDayRuntime

#if canImport(Glibc)
    import Glibc
#endif

/// How many probes a second the engine gets through against a static endpoint, beside what wrk
/// gets through at the same connection count, each with one client thread, interleaved round by round.
///
/// The engine runs saturated: one user per wrk connection, at most one probe in flight per user,
/// and an interval (50 µs) far below any answer's latency, so every user sends its next probe at
/// the first slot after its answer: a closed loop in all but name. wrk keeps each connection busy
/// the same way. Both reuse their connections (HTTP/1.1 keep-alive) and parse whole answers; the
/// engine also judges each answer (`Prober.sample`) and hands it to a counting sink.
///
/// Beside the rates, the CPU each client spent per request (user + system, from `getrusage`: wrk's
/// as this process's reaped child, the engine's as this process's own, which does nothing else
/// meanwhile): on two cores the gateway is the bottleneck, and what one client spends it does not get.
struct ProbeThroughput: Sendable {
    static let saturatingInterval = Duration.microseconds(50)

    var wrk: [Double] = []
    var engine: [Double] = []
    /// CPU µs per request, round by round.
    var wrkCPU: [Double] = []
    var engineCPU: [Double] = []
    var engineFailed = 0
    var engineSkipped = 0
    var wrkErrors: [String] = []

    static func measure(url: String, options: ProbeBenchOptions) async throws -> ProbeThroughput {
        var result = ProbeThroughput()
        for round in 1...options.rounds {
            GameDayBench.progress("throughput round \(round)/\(options.rounds): wrk, then the engine")
            let children = cpuSeconds(RUSAGE_CHILDREN)
            let (rate, errors) = try await wrk(url: url, options: options)
            result.wrk.append(rate)
            result.wrkCPU.append(
                (cpuSeconds(RUSAGE_CHILDREN) - children) * 1e6 / (rate * Double(options.throughputSeconds)))
            if let errors { result.wrkErrors.append(errors) }
            let sink = CountingSink()
            let own = cpuSeconds(RUSAGE_SELF)
            let engineRate = try await engine(
                url: url, users: options.connections, seconds: options.throughputSeconds, sink: sink)
            result.engine.append(engineRate)
            // The engine's CPU over its run and its stop, per probe delivered in all.
            result.engineCPU.append((cpuSeconds(RUSAGE_SELF) - own) * 1e6 / Double(max(1, sink.counts.delivered)))
            result.engineFailed += sink.counts.failed
            result.engineSkipped += sink.counts.skipped
        }
        return result
    }

    /// Probes delivered a second over `seconds`, counted when the time is up (before the stop drains).
    static func engine(url: String, users: Int, seconds: Int, sink: CountingSink) async throws -> Double {
        let prober = ProbeBench.prober(url: url, interval: saturatingInterval, maxInFlight: 1)
        let clock = ContinuousClock()
        let start = clock.now
        let probes = CurlMultiProbeLauncher().start(
            users: (1...users).map { TestUser(id: $0) }, prober: prober, clock: ContinuousRunClock(), sink: sink)
        try await Task.sleep(for: .seconds(seconds))
        let delivered = sink.counts.delivered
        let elapsed = start.duration(to: clock.now)
        await probes.stop()
        return Double(delivered) / (elapsed.milliseconds / 1000)
    }

    /// User and system CPU seconds of this process (`RUSAGE_SELF`) or of its reaped children.
    static func cpuSeconds(_ who: __rusage_who) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(who.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// wrk's requests a second, and its error line (socket errors, non-2xx answers) if any.
    static func wrk(url: String, options: ProbeBenchOptions) async throws -> (Double, String?) {
        let argv = [
            options.wrk, "-t1", "-c\(options.connections)", "-d\(options.throughputSeconds)s", url,
        ]
        let output = try await LocalExecutor().run(argv, timeout: .seconds(options.throughputSeconds + 30))
        let lines = output.stdout.split(separator: "\n")
        guard output.exitCode == 0,
            let line = lines.first(where: { $0.hasPrefix("Requests/sec:") }),
            let rate = Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces))
        else {
            throw BenchError.commandFailed(argv: argv, exitCode: output.exitCode, lastLine: output.lastLine)
        }
        let errors = lines.filter { $0.contains("Socket errors") || $0.contains("Non-2xx") }
        return (rate, errors.isEmpty ? nil : errors.joined(separator: "; "))
    }
}
