/// Test users generated from the routing rule, so a drill covers the rule's space rather than a
/// couple of ids: spread over one unit's ranges, fences and entries, one set per shard, points on
/// the fences' borders, or keys that only the fallback takes.
///
/// ```yaml
/// users:
///   - generate: 20          # how many (per cell with `per: shard`, `border`)
///     unit: beijing         # the unit whose keys they are
///     per: unit             # unit (default) | shard | border | fallback
///     name: beijing-sample  # users are named beijing-sample-1 ... -20
///     key_prefix: M         # generated text keys start with it (hash, regex rules): M17
///     impact: fail
///     recovers_on: hangzhou
/// ```
public struct UserGroupSpec: Sendable, Hashable {
    /// What the users are spread over.
    public enum Spread: String, Sendable, Hashable, CaseIterable {
        /// `count` keys over every cell of the unit (ranges, shards, fences, entries), evenly.
        case unit
        /// `count` keys in each cell (range, fence, entry) of the unit: every shard covered.
        case shard
        /// `count` points on the border of each of the unit's fences (geo): where users near a
        /// border live; each is routed as the rule routes it.
        case border
        /// `count` keys that no entry takes, so the fallback serves them.
        case fallback
    }

    public var count: Int
    /// Nil only for `per: fallback`: the fallback's keys, whatever unit it is.
    public var unit: String?
    public var spread: Spread
    public var name: String
    public var keyPrefix: String
    public var impact: ImpactExpectation
    public var recoversOn: String?
    public var location: SourceLocation?

    public init(
        count: Int, unit: String?, spread: Spread = .unit, name: String? = nil, keyPrefix: String = "u",
        impact: ImpactExpectation = .none, recoversOn: String? = nil, location: SourceLocation? = nil
    ) {
        self.count = count
        self.unit = unit
        self.spread = spread
        self.name = name ?? "\(unit ?? "fallback")-users"
        self.keyPrefix = keyPrefix
        self.impact = impact
        self.recoversOn = recoversOn
        self.location = location
    }

    /// The keys under `rule`, none in `taken`: for a unit, `count` keys spread evenly over the
    /// unit's cells (integer keys over its slots, as AppActive's ranges have always been spread);
    /// fewer when the unit has fewer keys of its own.
    public func keys(under rule: RoutingRule, excluding taken: Set<String> = []) -> [String] {
        var used = taken
        var keys: [String] = []
        func add(_ found: [String]) {
            for key in found where used.insert(key).inserted { keys.append(key) }
        }
        switch spread {
        case .unit:
            guard let unit else { return [] }
            if rule.model == .modulo {
                return integerKeys(under: rule, unit: unit, excluding: taken).map(String.init)
            }
            let cells = rule.cells(of: unit)
            guard !cells.isEmpty else { return [] }
            for (index, cell) in cells.enumerated() {
                // Cell `index` takes its share of `count`, the earlier ones the remainder.
                let share = count / cells.count + (index < count % cells.count ? 1 : 0)
                add(rule.keys(in: cell, count: share, excluding: used, prefix: keyPrefix))
            }
        case .shard:
            // The unit's ranges, fences and entries; the fallback is no shard (`per: fallback` has it).
            guard let unit else { return [] }
            for cell in rule.cells(of: unit) where cell.kind != .fallback {
                add(rule.keys(in: cell, count: count, excluding: used, prefix: keyPrefix))
            }
        case .border:
            guard let unit else { return [] }
            for cell in rule.cells(of: unit) { add(rule.borderKeys(of: cell, count: count)) }
        case .fallback:
            guard let cell = rule.cells.first(where: { $0.kind == .fallback }) else { return [] }
            add(rule.keys(in: cell, count: count, excluding: used, prefix: keyPrefix))
        }
        return keys
    }

    /// Integer keys spread evenly over the unit's slots, skipping ids the rule overrides to
    /// another unit and ids in `taken`.
    private func integerKeys(under rule: RoutingRule, unit: String, excluding taken: Set<String>) -> [Int] {
        let ranges = rule.ranges.filter { rule.unit(of: $0.destination) == unit }
        let slots = ranges.reduce(0) { $0 + ($1.to - $1.from + 1) }
        guard slots > 0, count > 0 else { return [] }
        var ids: [Int] = []
        var used = taken
        for index in 0..<count {
            // The middle of the index-th of `count` equal stretches of the unit's slots.
            var offset = (2 * index + 1) * slots / (2 * count)
            for _ in 0..<slots {
                if let id = Self.slot(offset, in: ranges), !used.contains(String(id)), rule.unit(for: id) == unit {
                    ids.append(id)
                    used.insert(String(id))
                    break
                }
                offset = (offset + 1) % slots
            }
        }
        return ids
    }

    /// Compatibility for integer keys.
    public func ids(under rule: RoutingRule, excluding taken: Set<Int> = []) -> [Int] {
        keys(under: rule, excluding: Set(taken.map(String.init))).compactMap { Int($0) }
    }

    private static func slot(_ offset: Int, in ranges: [RouteRange]) -> Int? {
        var rest = offset
        for range in ranges {
            let size = range.to - range.from + 1
            if rest < size { return range.from + rest }
            rest -= size
        }
        return nil
    }
}

extension Drill {
    /// The drill with its user groups turned into users under `rule` (the target's routing). A
    /// generated user's home is where the rule sends it.
    public func resolvingUserGroups(with rule: RoutingRule) -> Drill {
        guard !userGroups.isEmpty else { return recoveringWithTheirShards(under: rule) }
        var copy = self
        var taken = Set(users.map(\.id))
        for group in userGroups {
            for (index, key) in group.keys(under: rule, excluding: taken).enumerated() {
                taken.insert(key)
                copy.users.append(
                    TestUser(
                        id: key, name: "\(group.name)-\(index + 1)", home: rule.unit(for: key),
                        impact: group.impact, recoversOn: group.recoversOn, group: group.name,
                        location: group.location))
            }
        }
        copy.userGroups = []
        return copy.recoveringWithTheirShards(under: rule)
    }

    /// Where the cut-over sends each shard: `cutover.moves`, or, without it, every shard of the
    /// faulted unit to the one unit the moving users recover on. Empty when the rule has no shards.
    public func shardMoves(under rule: RoutingRule) -> [String: String] {
        if let moves = cutover?.moves, !moves.isEmpty { return moves }
        let destinations = Set(users.compactMap(\.recoversOn))
        guard let from = faultedUnit, destinations.count == 1, let to = destinations.first else { return [:] }
        return Dictionary(uniqueKeysWithValues: rule.shards(of: from).map { ($0, to) })
    }

    /// Users of a shard that `cutover.moves` moves recover on the unit it goes to, unless they say
    /// otherwise (which the validator refuses when it differs).
    func recoveringWithTheirShards(under rule: RoutingRule) -> Drill {
        guard let moves = cutover?.moves, !moves.isEmpty else { return self }
        var copy = self
        for index in copy.users.indices where copy.users[index].recoversOn == nil {
            let user = copy.users[index]
            guard rule.overrides[user.id] == nil, let shard = rule.entry(for: user.id).destination?.shard,
                let to = moves[shard]
            else { continue }
            copy.users[index].recoversOn = to
        }
        return copy
    }
}
