/// Test users generated from the routing rule, spread over every range of one unit, so a drill
/// covers ranges rather than a couple of ids.
///
/// ```yaml
/// users:
///   - generate: 20          # how many
///     unit: beijing         # spread over the ranges the target's rule gives this unit
///     name: beijing-sample  # users are named beijing-sample-1 ... -20
///     impact: fail
///     recovers_on: hangzhou
/// ```
public struct UserGroupSpec: Sendable, Hashable {
    public var count: Int
    public var unit: String
    public var name: String
    public var impact: ImpactExpectation
    public var recoversOn: String?
    public var location: SourceLocation?

    public init(
        count: Int, unit: String, name: String? = nil, impact: ImpactExpectation = .none, recoversOn: String? = nil,
        location: SourceLocation? = nil
    ) {
        self.count = count
        self.unit = unit
        self.name = name ?? "\(unit)-users"
        self.impact = impact
        self.recoversOn = recoversOn
        self.location = location
    }

    /// The ids: `count` routing-key values spread evenly over the unit's ranges, skipping ids the
    /// rule overrides to another unit and ids in `taken`. Fewer when the unit has fewer slots.
    public func ids(under rule: RoutingRule, excluding taken: Set<Int> = []) -> [Int] {
        let ranges = rule.ranges.filter { $0.unit == unit }
        let slots = ranges.reduce(0) { $0 + ($1.to - $1.from + 1) }
        guard slots > 0, count > 0 else { return [] }
        var ids: [Int] = []
        var used = taken
        for index in 0..<count {
            // The middle of the index-th of `count` equal stretches of the unit's slots.
            var offset = (2 * index + 1) * slots / (2 * count)
            for _ in 0..<slots {
                if let id = Self.slot(offset, in: ranges), !used.contains(id), rule.unit(for: id) == unit {
                    ids.append(id)
                    used.insert(id)
                    break
                }
                offset = (offset + 1) % slots
            }
        }
        return ids
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
    /// The drill with its user groups turned into users under `rule` (the target's routing).
    public func resolvingUserGroups(with rule: RoutingRule) -> Drill {
        guard !userGroups.isEmpty else { return self }
        var copy = self
        var taken = Set(users.map(\.id))
        for group in userGroups {
            for (index, id) in group.ids(under: rule, excluding: taken).enumerated() {
                taken.insert(id)
                copy.users.append(
                    TestUser(
                        id: id, name: "\(group.name)-\(index + 1)", home: group.unit, impact: group.impact,
                        recoversOn: group.recoversOn, group: group.name, location: group.location))
            }
        }
        copy.userGroups = []
        return copy
    }
}
