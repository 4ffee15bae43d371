import GameDayCore
import Synchronization

/// Counts what a probe engine delivers, and nothing more: the cheapest sink there is.
final class CountingSink: ProbeSink {
    private let delivered = Atomic(0)
    private let failed = Atomic(0)
    private let skippedSlots = Atomic(0)

    func deliver(_ sample: ProbeSample, user: String, sequence: Int) {
        delivered.add(1, ordering: .relaxed)
        if !sample.ok { failed.add(1, ordering: .relaxed) }
    }

    func skipped(user: String, scheduled: Duration) { skippedSlots.add(1, ordering: .relaxed) }

    var counts: (delivered: Int, failed: Int, skipped: Int) {
        (delivered.load(ordering: .relaxed), failed.load(ordering: .relaxed), skippedSlots.load(ordering: .relaxed))
    }
}

/// Keeps every sample's schedule lag, and counts like `CountingSink`.
final class LagSink: ProbeSink {
    private let lags = Mutex<[(slot: Duration, lag: Duration)]>([])
    let counter = CountingSink()

    init(expected: Int) { lags.withLock { $0.reserveCapacity(expected) } }

    func deliver(_ sample: ProbeSample, user: String, sequence: Int) {
        counter.deliver(sample, user: user, sequence: sequence)
        lags.withLock { $0.append((slot: sample.sentAt - sample.lag, lag: sample.lag)) }
    }

    /// How many slots were sent later than `late`, by whole second of the run (from its first slot).
    func lateBySecond(later late: Duration) -> [Int] {
        let all = lags.withLock { $0 }
        guard let first = all.map(\.slot).min() else { return [] }
        var counts: [Int] = []
        for (slot, lag) in all where lag > late {
            let second = Int(((slot - first) / .seconds(1)).rounded(.down))
            while counts.count <= second { counts.append(0) }
            counts[second] += 1
        }
        return counts
    }

    func skipped(user: String, scheduled: Duration) { counter.skipped(user: user, scheduled: scheduled) }

    var samples: Samples {
        var samples = Samples()
        for entry in lags.withLock({ $0 }) { samples.append(entry.lag) }
        return samples
    }
}
