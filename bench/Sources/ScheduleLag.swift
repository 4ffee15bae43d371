import GameDayCore
import GameDayRuntime

/// How late the engine sends probes against their slots at a drill's scale (1,000 users × 10 Hz),
/// from every sample's `lag`, beside a reference run of the same engine in the same invocation
/// whose probes never leave: users whose request cannot be rendered get a failed sample at each
/// slot, stamped exactly as a real probe's would be. The reference's lag is therefore what the
/// schedule itself (the timerfd and epoll wake-ups on this machine) costs; the
/// difference is what sending and answering real probes on the same thread adds.
struct ScheduleLag: Sendable {
    var users: Int
    var interval: Duration
    var lag = Samples()
    var reference = Samples()
    var delivered = 0
    var failed = 0
    var skipped = 0
    /// The engine run's slots sent more than `ScheduleLag.late` late, by second of the run.
    var lateBySecond: [Int] = []
    static let late = Duration.milliseconds(1)

    static func measure(url: String, options: ProbeBenchOptions) async throws -> ScheduleLag {
        let interval = Duration.milliseconds(options.intervalMilliseconds)
        var result = ScheduleLag(users: options.lagUsers, interval: interval)
        let users = (1...options.lagUsers).map { TestUser(id: $0) }
        let slots = options.lagUsers * options.lagSeconds * 1000 / options.intervalMilliseconds
        // The reference before and after the real run, half as long each, to see the same load.
        for part in ["reference (unrenderable requests)", "engine against \(url)", "reference again"] {
            let seconds = part.hasPrefix("engine") ? options.lagSeconds : max(1, options.lagSeconds / 2)
            GameDayBench.progress(
                "schedule lag: \(part), \(options.lagUsers) users every \(options.intervalMilliseconds) ms, \(seconds) s"
            )
            let sink = LagSink(expected: slots + slots / 10)
            let prober = ProbeBench.prober(
                url: part.hasPrefix("engine") ? url : "{{no.such.value}}", interval: interval, maxInFlight: nil)
            let probes = CurlMultiProbeLauncher().start(
                users: users, prober: prober, clock: ContinuousRunClock(), sink: sink)
            try await Task.sleep(for: .seconds(seconds))
            await probes.stop()
            if part.hasPrefix("engine") {
                result.lag = sink.samples
                (result.delivered, result.failed, result.skipped) = sink.counter.counts
                result.lateBySecond = sink.lateBySecond(later: late)
            } else {
                for value in sink.samples.values { result.reference.append(value) }
            }
        }
        return result
    }
}
