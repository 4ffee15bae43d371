/// A modulo rule's ranges guessed from which unit served which slot: each unit's keys are taken to
/// run from the first slot seen on it to just before the next unit's first slot.
public struct RoutingGuess: Sendable, Hashable {
    /// Where one unit's slots end and the next one's begin, as far as the answers tell.
    public struct Boundary: Sendable, Hashable, CustomStringConvertible {
        /// The highest slot seen on `lowerUnit` below the boundary.
        public var lower: Int
        public var lowerUnit: String
        /// The lowest slot seen on `upperUnit` above it.
        public var upper: Int
        public var upperUnit: String

        /// Known to the slot: no slot lies between the two answers.
        public var isExact: Bool { upper == lower + 1 }

        /// `4999 → hangzhou, 5000 → beijing`.
        public var description: String { "\(lower) → \(lowerUnit), \(upper) → \(upperUnit)" }
    }

    public var modulo: Int
    public var ranges: [RouteRange]
    public var boundaries: [Boundary]
    /// The lowest and highest slots seen: below and above them the nearest answer is assumed.
    public var lowest: Int
    public var highest: Int

    /// Nil when no slot was seen on any unit.
    public init?(observations: [(slot: Int, unit: String)], modulo: Int) {
        let sorted = Self.distinct(observations).sorted { $0.slot < $1.slot }
        guard let first = sorted.first, let last = sorted.last else { return nil }
        self.modulo = modulo
        boundaries = Self.boundaries(in: sorted)
        lowest = first.slot
        highest = last.slot
        var starts = [(slot: 0, unit: first.unit)]
        starts += boundaries.map { ($0.upper, $0.upperUnit) }
        ranges = starts.enumerated().map { index, start in
            let end = index + 1 < starts.count ? starts[index + 1].slot - 1 : modulo - 1
            return RouteRange(from: start.slot, to: end, unit: start.unit)
        }
    }

    /// The boundaries not yet known to the slot: where asking more keys would tell more.
    public var uncertain: [Boundary] { boundaries.filter { !$0.isExact } }

    /// Pairs of neighbouring slots (in slot order) served by different units.
    static func boundaries(in sorted: [(slot: Int, unit: String)]) -> [Boundary] {
        zip(sorted, sorted.dropFirst()).compactMap { lower, upper in
            lower.unit == upper.unit
                ? nil : Boundary(lower: lower.slot, lowerUnit: lower.unit, upper: upper.slot, upperUnit: upper.unit)
        }
    }

    /// One observation per slot, the first one: a slot answered by two units (routing changed
    /// while asking) keeps what was seen first.
    private static func distinct(_ observations: [(slot: Int, unit: String)]) -> [(slot: Int, unit: String)] {
        var seen: Set<Int> = []
        return observations.filter { seen.insert($0.slot).inserted }
    }
}
