import GameDayCore

// The control plane's rule arithmetic. Range moves work slot by slot (the modulo is 10000 in the
// lab, so that is cheap) so that gaps keep their meaning, then compress the result back into sorted,
// non-overlapping ranges. Shard moves change the shard table and nothing else: "a shard of an ezone
// can be switched to another ezone at any time".

extension RoutingRule {
    /// The rule after moving `users`, the slots of `ranges` that `from` serves, and the `shards`
    /// listed (shard → its new unit).
    ///
    /// Overrides that pinned a user to `from` inside a moved range move too: otherwise a range
    /// cut-over would leave those users on the unit being evacuated.
    func moving(
        users: [String], ranges moved: [SlotRange], shards: [String: String] = [:], from: String, to: String?
    ) -> RoutingRule {
        var result = self
        if let to, !moved.isEmpty {
            var slots = slotDestinations()
            for index in slots.indices
            where slots[index].flatMap(unit(of:)) == from && moved.contains(where: { $0.contains(index) }) {
                slots[index] = .unit(to)
            }
            result.ranges = Self.compress(slots)
            for (user, unit) in overrides where unit == from {
                if let slot = entry(for: user).slot, moved.contains(where: { $0.contains(slot) }) {
                    result.overrides[user] = to
                }
            }
        }
        if let to {
            for user in users { result.overrides[user] = to }
        }
        for (shard, unit) in shards { result.shards[shard] = unit }
        return result
    }

    /// The slots whose unit differs between this rule and `other`, as ranges.
    func slotsDiffering(from other: RoutingRule) -> [SlotRange] {
        guard model == .modulo || !ranges.isEmpty else { return [] }
        let mine = slotDestinations().map { $0.flatMap(unit(of:)) }
        let theirs = other.slotDestinations(count: mine.count).map { $0.flatMap(other.unit(of:)) }
        var ranges: [SlotRange] = []
        for index in mine.indices where mine[index] != theirs[index] {
            if let last = ranges.last, last.to == index - 1 {
                ranges[ranges.count - 1].to = index
            } else {
                ranges.append(SlotRange(from: index, to: index))
            }
        }
        return ranges
    }

    /// Keys whose override sends them somewhere other than `other` would.
    func usersDiffering(from other: RoutingRule) -> [String] {
        Set(overrides.keys).union(other.overrides.keys)
            .filter { unit(for: $0) != other.unit(for: $0) }
            .sorted()
    }

    /// Shards whose unit differs between this rule and `other`, with `other`'s unit.
    func shardsDiffering(from other: RoutingRule) -> [String: String] {
        var moves: [String: String] = [:]
        for shard in Set(shards.keys).union(other.shards.keys) where shards[shard] != other.shards[shard] {
            if let unit = other.shards[shard] { moves[shard] = unit }
        }
        return moves
    }

    /// The slot a key falls in (modulo and hash rules), the same way routing computes it.
    func slot(of key: String) -> Int? { entry(for: key).slot }

    /// The slot a user falls in under an integer rule.
    func slot(of user: Int) -> Int { slot(ofInteger: user) }

    // MARK: - Slots

    private func slotDestinations(count: Int? = nil) -> [RouteDestination?] {
        (0..<(count ?? modulo)).map { slot in ranges.first { $0.contains(slot) }?.destination ?? fallback }
    }

    private static func compress(_ slots: [RouteDestination?]) -> [RouteRange] {
        var ranges: [RouteRange] = []
        for (slot, destination) in slots.enumerated() {
            guard let destination else { continue }
            if let last = ranges.last, last.destination == destination, last.to == slot - 1 {
                ranges[ranges.count - 1].to = slot
            } else {
                ranges.append(RouteRange(from: slot, to: slot, destination: destination))
            }
        }
        return ranges
    }
}
