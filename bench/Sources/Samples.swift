/// The durations of one measured step, and the order statistics the table reports.
struct Samples: Sendable {
    private(set) var values: [Duration] = []

    mutating func append(_ value: Duration) { values.append(value) }

    /// The middle value; the mean of the two middle ones for an even count.
    var median: Duration {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .zero }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Nearest-rank percentile: with 50 samples, p99 is the largest one.
    func percentile(_ percent: Double) -> Duration {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .zero }
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

extension Duration {
    /// Milliseconds as a number, for the table.
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }

    /// How many times `reference` this is.
    func ratio(to reference: Duration) -> Double {
        reference == .zero ? .infinity : milliseconds / reference.milliseconds
    }
}
