/// Where a routing entry sends a key: straight to a unit, or to a shard that the rule's shard
/// table assigns to a unit (Ele.me's shards and ezones: a cut-over moves shards, not users).
public enum RouteDestination: Sendable, Hashable, Codable, CustomStringConvertible {
    case unit(String)
    case shard(String)

    public var description: String {
        switch self {
        case .unit(let unit): unit
        case .shard(let shard): "shard \(shard)"
        }
    }

    public var unit: String? {
        if case .unit(let unit) = self { return unit }
        return nil
    }

    public var shard: String? {
        if case .shard(let shard) = self { return shard }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case unit, shard
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self = try Self.decode(from: c)
    }

    static func decode<K: CodingKey>(from c: KeyedDecodingContainer<K>, unit: K, shard: K) throws -> RouteDestination {
        switch (try c.decodeIfPresent(String.self, forKey: unit), try c.decodeIfPresent(String.self, forKey: shard)) {
        case (let unit?, nil): return .unit(unit)
        case (nil, let shard?): return .shard(shard)
        default:
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: c.codingPath, debugDescription: "give exactly one of unit or shard"))
        }
    }

    static func decode(from c: KeyedDecodingContainer<CodingKeys>) throws -> RouteDestination {
        try decode(from: c, unit: .unit, shard: .shard)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .unit(let unit): try c.encode(unit, forKey: .unit)
        case .shard(let shard): try c.encode(shard, forKey: .shard)
        }
    }
}

/// An inclusive range of slots (`key % modulo`, or a hash of the key modulo the slots) and where
/// it sends them.
public struct RouteRange: Sendable, Hashable, Codable {
    public var from: Int
    public var to: Int
    public var destination: RouteDestination

    public init(from: Int, to: Int, unit: String) {
        self.init(from: from, to: to, destination: .unit(unit))
    }

    public init(from: Int, to: Int, destination: RouteDestination) {
        self.from = from
        self.to = to
        self.destination = destination
    }

    /// The unit it names directly; nil when it names a shard.
    public var unit: String? { destination.unit }

    public func contains(_ value: Int) -> Bool { value >= from && value <= to }

    enum CodingKeys: String, CodingKey {
        case from, to, unit, shard
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        from = try c.decode(Int.self, forKey: .from)
        to = try c.decode(Int.self, forKey: .to)
        destination = try RouteDestination.decode(from: c, unit: .unit, shard: .shard)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encodeIfPresent(destination.unit, forKey: .unit)
        try c.encodeIfPresent(destination.shard, forKey: .shard)
    }
}

/// How a rule turns a key into a slot, a fence or a match.
public enum RoutingModel: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Alibaba's AppActive/MSHA rule: the key is an integer, `key % modulo` falls in ranges.
    case modulo
    /// User-hash sharding: a hash of the key's text, modulo the slots, falls in ranges.
    case hash(KeyHash)
    /// Ele.me's geographic fences: the key is a `lat,lng` location, each fence is a shard.
    case geo
    /// nginx `map` / OpenResty matching on the key (regex, prefix, suffix, exact), in order.
    /// `business` names the same thing when the key is a service or path (business-type routing).
    case match(business: Bool)

    public var description: String {
        switch self {
        case .modulo: "modulo"
        case .hash(let hash): "hash (\(hash.rawValue))"
        case .geo: "geo"
        case .match(let business): business ? "business" : "regex"
        }
    }

    /// Whether keys are integers (the other models take any text).
    public var integerKeys: Bool { self == .modulo }
}

/// The routing rule of a target: which unit serves a key.
///
/// Per-key overrides come first; then the model finds the key's entry (a slot range, a fence, a
/// match), which names a unit or a shard; a shard's unit is in the shard table. A key no entry
/// takes goes to `fallback` (nginx map's `default`, Ele.me's fallback ezone), or nowhere.
public struct RoutingRule: Sendable, Hashable, Codable {
    /// The key's name, as requests carry it: `userId`, `memberId`, `location`, `path`.
    public var key: String
    public var model: RoutingModel
    /// The number of slots (`modulo` and `hash`).
    public var modulo: Int
    public var ranges: [RouteRange]
    public var fences: [GeoFence]
    public var matches: [KeyMatch]
    public var fallback: RouteDestination?
    /// Shard → unit: what a shard cut-over changes.
    public var shards: [String: String]
    /// Key → unit, before anything else.
    public var overrides: [String: String]

    public init(
        key: String = "userId", model: RoutingModel = .modulo, modulo: Int = 10000, ranges: [RouteRange] = [],
        fences: [GeoFence] = [], matches: [KeyMatch] = [], fallback: RouteDestination? = nil,
        shards: [String: String] = [:], overrides: [String: String] = [:]
    ) {
        self.key = key
        self.model = model
        self.modulo = modulo
        self.ranges = ranges
        self.fences = fences
        self.matches = matches
        self.fallback = fallback
        self.shards = shards
        self.overrides = overrides
    }

    /// An AppActive rule with integer overrides, as the lab and older code write it.
    public init(key: String = "userId", modulo: Int = 10000, ranges: [RouteRange], overrides: [Int: String]) {
        self.init(
            key: key, modulo: modulo, ranges: ranges,
            overrides: Dictionary(uniqueKeysWithValues: overrides.map { (String($0.key), $0.value) }))
    }

    /// The lab's and the articles' rule: 0~4999 → hangzhou, 5000~9999 → beijing.
    public static let storefront = RoutingRule(ranges: [
        RouteRange(from: 0, to: 4999, unit: "hangzhou"),
        RouteRange(from: 5000, to: 9999, unit: "beijing"),
    ])

    /// The unit that serves `key`, or nil when nothing routes it.
    public func unit(for key: String) -> String? {
        if let unit = overrides[key] { return unit }
        return entry(for: key).destination.flatMap(unit(of:))
    }

    /// The unit that serves integer key `userId`.
    public func unit(for userId: Int) -> String? { unit(for: String(userId)) }

    /// The unit a destination comes to: itself, or its shard's unit.
    public func unit(of destination: RouteDestination) -> String? {
        switch destination {
        case .unit(let unit): unit
        case .shard(let shard): shards[shard]
        }
    }

    /// The slot of an integer key: `key % modulo`, never negative.
    public func slot(ofInteger value: Int) -> Int { ((value % modulo) + modulo) % modulo }

    /// What the model makes of `key`, before overrides: its slot, fence or match, and where that
    /// sends it. Cheap enough to run for every probe (no strings are built).
    public func entry(for key: String) -> RouteEntry {
        switch model {
        case .modulo:
            guard let value = Int(key) else { return RouteEntry(problem: .notAnInteger) }
            return slotEntry(slot(ofInteger: value))
        case .hash(let hash):
            return slotEntry(Int(hash.value(of: key) % UInt32(clamping: modulo)))
        case .geo:
            guard let point = GeoPoint(parsing: key) else { return RouteEntry(problem: .notALocation) }
            for (index, fence) in fences.enumerated() where fence.contains(point) {
                return RouteEntry(index: index, destination: .shard(fence.name))
            }
            return RouteEntry(destination: fallback)
        case .match:
            for (index, match) in matches.enumerated() where match.matches(key) {
                return RouteEntry(index: index, destination: match.destination)
            }
            return RouteEntry(destination: fallback)
        }
    }

    private func slotEntry(_ slot: Int) -> RouteEntry {
        for (index, range) in ranges.enumerated() where range.contains(slot) {
            return RouteEntry(slot: slot, index: index, destination: range.destination)
        }
        return RouteEntry(slot: slot, destination: fallback)
    }

    /// Every shard name the rule uses: its entries' and its table's, in order of first mention.
    public var shardNames: [String] {
        var names: [String] = []
        func add(_ name: String?) { if let name, !names.contains(name) { names.append(name) } }
        ranges.forEach { add($0.destination.shard) }
        fences.forEach { add($0.name) }
        matches.forEach { add($0.destination.shard) }
        add(fallback?.shard)
        shards.keys.sorted().forEach(add)
        return names
    }

    /// The shards the table gives `unit`, in order of first mention.
    public func shards(of unit: String) -> [String] { shardNames.filter { shards[$0] == unit } }

    /// Every unit the rule can route to, in the order they first appear.
    public var units: [String] {
        var seen: [String] = []
        let destinations =
            ranges.map(\.destination) + fences.map { .shard($0.name) } + matches.map(\.destination)
            + (fallback.map { [$0] } ?? [])
        let named = destinations.compactMap(unit(of:)) + shardNames.compactMap { shards[$0] }
        for unit in named + overrides.keys.sorted().compactMap({ overrides[$0] }) where !seen.contains(unit) {
            seen.append(unit)
        }
        return seen
    }
}

/// What the model made of a key: its slot (modulo, hash), the index of its range, fence or match,
/// and where it goes; or why the key could not be routed at all.
public struct RouteEntry: Sendable, Hashable {
    public enum Problem: Sendable, Hashable {
        case notAnInteger, notALocation
    }

    public var slot: Int?
    public var index: Int?
    public var destination: RouteDestination?
    public var problem: Problem?

    public init(slot: Int? = nil, index: Int? = nil, destination: RouteDestination? = nil, problem: Problem? = nil) {
        self.slot = slot
        self.index = index
        self.destination = destination
        self.problem = problem
    }
}
