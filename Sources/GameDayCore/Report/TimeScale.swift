/// Maps run time (milliseconds since the run started) onto a chart's x axis.
struct TimeScale: Sendable, Hashable {
    /// The time at the right edge; the left edge is the run's start.
    var endMs: Double
    /// The x coordinates of the run's start and of `endMs`.
    var left: Double
    var right: Double

    init(endMs: Double, left: Double, right: Double) {
        self.endMs = max(endMs, 1)
        self.left = left
        self.right = right
    }

    /// The x coordinate of `ms`, kept inside the chart.
    func x(_ ms: Double) -> Double {
        left + min(max(ms, 0), endMs) / endMs * (right - left)
    }

    /// Whether `ms` falls on the chart.
    func contains(_ ms: Double) -> Bool { ms >= 0 && ms <= endMs }

    /// Round steps for axis ticks, the smallest giving at most `limit` of them.
    func tickStep(limit: Int = 12) -> Double {
        let steps: [Double] = [
            50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000,
            300_000, 600_000, 900_000, 1_800_000, 3_600_000,
        ]
        return steps.first { endMs / $0 <= Double(limit) } ?? (endMs / Double(limit)).rounded(.up)
    }

    /// The times of the axis ticks, from 0 to the end.
    var ticks: [Double] {
        let step = tickStep()
        return (0...Int(endMs / step)).map { Double($0) * step }
    }

    /// A tick's label, in seconds: `0s`, `0.25s`, `1.5s`, `90s`.
    static func label(_ ms: Double) -> String {
        let hundredths = Int((ms / 10).rounded())
        let seconds = hundredths / 100
        let fraction = hundredths % 100
        if fraction == 0 { return "\(seconds)s" }
        return fraction % 10 == 0
            ? "\(seconds).\(fraction / 10)s" : "\(seconds).\(fraction < 10 ? "0" : "")\(fraction)s"
    }
}

/// Puts labels on rows so that none overlaps another: each goes on the first row where it fits.
enum LabelRows {
    /// The row of each label, given its horizontal extent; labels are placed from left to right.
    static func place(_ extents: [ClosedRange<Double>], gap: Double = 6) -> [Int] {
        var rowEnds: [Double] = []
        var rows = Array(repeating: 0, count: extents.count)
        for index in extents.indices.sorted(by: { extents[$0].lowerBound < extents[$1].lowerBound }) {
            let extent = extents[index]
            if let row = rowEnds.firstIndex(where: { $0 + gap <= extent.lowerBound }) {
                rows[index] = row
                rowEnds[row] = extent.upperBound
            } else {
                rows[index] = rowEnds.count
                rowEnds.append(extent.upperBound)
            }
        }
        return rows
    }
}
