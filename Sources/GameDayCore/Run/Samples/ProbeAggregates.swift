import Histogram

/// Streaming aggregates of one user group in one phase of the run: counts, and histograms of curl's
/// phase timings and of the engine's schedule lag. Memory does not grow with the number of samples.
struct ProbeAggregate: Sendable {
    var samples = 0
    var ok = 0
    var skipped = 0
    var failures: [String: Int] = [:]
    var connect = ProbeAggregate.histogram()
    var firstByte = ProbeAggregate.histogram()
    var total = ProbeAggregate.histogram()
    var lag = ProbeAggregate.histogram()

    /// Microseconds, two significant digits (1 % resolution), sized for 10 s up front: growing from
    /// nothing resized it on almost every new maximum, on the probe engine's thread. Longer values
    /// (rare: a probe times out first) still grow it.
    static func histogram() -> Histogram<UInt32> {
        var histogram = Histogram<UInt32>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .two)
        histogram.autoResize = true
        return histogram
    }

    /// Distinct failure reasons kept per aggregate; the rest are counted under "other".
    static let failureKinds = 20

    mutating func add(_ sample: ProbeSample) {
        samples += 1
        if sample.ok {
            ok += 1
        } else {
            let reason = sample.failure ?? "failed"
            let key = failures[reason] != nil || failures.count < Self.failureKinds ? reason : "other"
            failures[key, default: 0] += 1
        }
        Self.record(sample.timings.connect, in: &connect)
        Self.record(sample.timings.firstByte, in: &firstByte)
        Self.record(sample.timings.total, in: &total)
        Self.record(sample.lag, in: &lag)
    }

    private static func record(_ duration: Duration, in histogram: inout Histogram<UInt32>) {
        let micros = max(0, (duration.milliseconds * 1000).rounded())
        _ = histogram.record(UInt64(min(micros, Double(UInt32.max))))
    }

    var summary: TimingSummary {
        TimingSummary(
            samples: samples, ok: ok, failed: samples - ok, skipped: skipped,
            failures: failures.isEmpty ? nil : failures,
            connectMs: .init(connect), firstByteMs: .init(firstByte), totalMs: .init(total), lagMs: .init(lag))
    }
}

/// Percentiles of one timing, in milliseconds.
public struct Percentiles: Sendable, Hashable, Codable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double
    public var mean: Double

    init(_ histogram: Histogram<UInt32>) {
        func ms(_ micros: UInt64) -> Double { Double(micros) / 1000 }
        let empty = histogram.totalCount == 0
        p50 = empty ? 0 : ms(histogram.valueAtPercentile(50))
        p90 = empty ? 0 : ms(histogram.valueAtPercentile(90))
        p99 = empty ? 0 : ms(histogram.valueAtPercentile(99))
        max = empty ? 0 : ms(histogram.max)
        mean = empty ? 0 : (histogram.mean / 1000 * 1000).rounded() / 1000
    }
}

/// What the probes of one group saw in one phase: counts, failure reasons, and timing percentiles.
public struct TimingSummary: Sendable, Hashable, Codable {
    public var samples: Int
    public var ok: Int
    public var failed: Int
    /// Slots not sent because the user already had `max_in_flight` probes in flight.
    public var skipped: Int
    /// Failed probes by reason.
    public var failures: [String: Int]?
    public var connectMs: Percentiles
    public var firstByteMs: Percentiles
    public var totalMs: Percentiles
    /// How late probes left against their schedule.
    public var lagMs: Percentiles

    enum CodingKeys: String, CodingKey {
        case samples, ok, failed, skipped, failures, connectMs = "connect_ms", firstByteMs = "first_byte_ms",
            totalMs = "total_ms", lagMs = "lag_ms"
    }
}

/// Success and serving unit of one group over one stretch of the run (a timeline bucket).
public struct GroupBucket: Sendable, Hashable, Codable {
    public var fromMs: Double
    public var ok: Int
    public var failed: Int
    /// Probes answered, by the unit that served them.
    public var units: [String: Int]

    enum CodingKeys: String, CodingKey { case fromMs = "from_ms", ok, failed, units }
}
