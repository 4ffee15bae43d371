/// How one drill's measured RTO moved across game days.
///
/// The last measured RTO is compared with the median of the measured RTOs before it: it is `worse`
/// when it is higher by more than `relativeTolerance` of that median *and* by more than one probe
/// interval (the RTO is measured to one interval, so a smaller change is noise), `better` when it is
/// lower by as much, else `steady`. Runs that never measured an RTO (stopped before recovery) count
/// as runs but carry no number. Interrupted runs (outcome `aborted`) are left out: an RTO cut short
/// by Ctrl-C says nothing about the system.
public struct RTOTrend: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable, Codable { case better, worse, steady }

    /// A change within 10% of the earlier median is steady.
    public static let relativeTolerance = 0.10
    /// The sparkline's levels, lowest first; `·` stands for a run without a measured RTO.
    static let levels = Array("▁▂▃▄▅▆▇█")
    static let unmeasured: Character = "·"

    public var drill: String
    /// The drill's runs considered, measured or not.
    public var runs: Int
    /// The RTO of each run, oldest first; nil where none was measured.
    public var series: [Double?]
    public var last: Double?
    public var min: Double?
    public var median: Double?
    public var max: Double?
    /// The median of the measured RTOs before the last one.
    public var previousMedian: Double?
    /// Nil with fewer than two measured RTOs.
    public var direction: Direction?

    /// The trend of `runs`, which are all of one drill, oldest first.
    public init(drill: String, oldestFirst all: [PastRun]) {
        let runs = all.filter { $0.result.outcome != RunOutcome.aborted.rawValue }
        self.drill = drill
        self.runs = runs.count
        series = runs.map { $0.result.rto?.measuredMs }
        let measured = series.compactMap { $0 }
        last = measured.last
        min = measured.min()
        median = Self.median(measured)
        max = measured.max()
        previousMedian = Self.median(measured.dropLast())
        if let last, let previousMedian {
            let interval = runs.last { $0.result.rto?.measuredMs != nil }?.result.probeIntervalMs ?? 0
            let tolerance = Swift.max(previousMedian * Self.relativeTolerance, interval)
            let change = last - previousMedian
            direction = change > tolerance ? .worse : change < -tolerance ? .better : .steady
        }
    }

    /// The last RTO against the earlier median, in milliseconds (positive: slower).
    public var change: Double? {
        guard let last, let previousMedian else { return nil }
        return last - previousMedian
    }

    /// One block per run, oldest first, scaled from zero to the highest RTO: a bar chart, so that a
    /// 4 % change does not look like a collapse.
    public var sparkline: String {
        let top = Double(Self.levels.count - 1)
        return String(
            series.map { value in
                guard let value, let max else { return Self.unmeasured }
                guard max > 0 else { return Self.levels[0] }
                return Self.levels[Int((Swift.max(0, value) / max * top).rounded())]
            })
    }

    static func median(_ values: some Collection<Double>) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}

// MARK: - The JSON shape of `gameday history --json`

extension RTOTrend: Encodable {
    enum CodingKeys: String, CodingKey {
        case drill, runs, measured, rtoMs = "rto_ms", changeMs = "change_ms", direction, sparkline
    }

    enum RTOKeys: String, CodingKey { case last, min, median, max, previousMedian = "previous_median" }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(drill, forKey: .drill)
        try container.encode(runs, forKey: .runs)
        try container.encode(series.compactMap { $0 }.count, forKey: .measured)
        var rto = container.nestedContainer(keyedBy: RTOKeys.self, forKey: .rtoMs)
        try rto.encode(last, forKey: .last)
        try rto.encode(min, forKey: .min)
        try rto.encode(median, forKey: .median)
        try rto.encode(max, forKey: .max)
        try rto.encode(previousMedian, forKey: .previousMedian)
        try container.encode(change, forKey: .changeMs)
        try container.encode(direction, forKey: .direction)
        try container.encode(sparkline, forKey: .sparkline)
    }
}
