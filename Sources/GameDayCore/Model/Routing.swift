/// An inclusive range of routing-key values served by one unit.
public struct RouteRange: Sendable, Hashable, Codable {
    public var from: Int
    public var to: Int
    public var unit: String

    public init(from: Int, to: Int, unit: String) {
        self.from = from
        self.to = to
        self.unit = unit
    }

    public func contains(_ value: Int) -> Bool { value >= from && value <= to }
}

/// AppActive-style routing: `key % modulo` falls into inclusive ranges, first
/// match wins; per-user overrides come before the ranges.
public struct RoutingRule: Sendable, Hashable, Codable {
    public var key: String
    public var modulo: Int
    public var ranges: [RouteRange]
    public var overrides: [Int: String]

    public init(key: String = "userId", modulo: Int = 10000, ranges: [RouteRange], overrides: [Int: String] = [:]) {
        self.key = key
        self.modulo = modulo
        self.ranges = ranges
        self.overrides = overrides
    }

    /// The lab's and the articles' rule: 0~4999 → hangzhou, 5000~9999 → beijing.
    public static let storefront = RoutingRule(ranges: [
        RouteRange(from: 0, to: 4999, unit: "hangzhou"),
        RouteRange(from: 5000, to: 9999, unit: "beijing"),
    ])

    /// The unit that serves `userId`, or nil when no range matches.
    public func unit(for userId: Int) -> String? {
        if let unit = overrides[userId] { return unit }
        let slot = ((userId % modulo) + modulo) % modulo
        return ranges.first { $0.contains(slot) }?.unit
    }

    /// Every unit the rule can route to, in the order they first appear.
    public var units: [String] {
        var seen: [String] = []
        for unit in ranges.map(\.unit) + overrides.keys.sorted().compactMap({ overrides[$0] })
        where !seen.contains(unit) {
            seen.append(unit)
        }
        return seen
    }
}
