import GameDayCore

// The control plane's rule arithmetic. Both operations work slot by slot (the modulo is 10000 in the
// lab, so that is cheap) so that first-match-wins, gaps and overlapping ranges keep their meaning,
// then compress the result back into sorted, non-overlapping ranges.

extension RoutingRule {
    /// The rule after moving `users` and the slots of `ranges` that `from` serves to `to`.
    ///
    /// Overrides that pinned a user to `from` inside a moved range move too: otherwise a range
    /// cut-over would leave those users on the unit being evacuated.
    func moving(users: [Int], ranges moved: [SlotRange], from: String, to: String) -> RoutingRule {
        var slots = slotUnits()
        for index in slots.indices where slots[index] == from && moved.contains(where: { $0.contains(index) }) {
            slots[index] = to
        }
        var result = self
        result.ranges = Self.compress(slots)
        for (user, unit) in overrides where unit == from && moved.contains(where: { $0.contains(slot(of: user)) }) {
            result.overrides[user] = to
        }
        for user in users {
            result.overrides[user] = to
        }
        return result
    }

    /// The slots whose unit differs between this rule and `other`, as ranges.
    func slotsDiffering(from other: RoutingRule) -> [SlotRange] {
        let mine = slotUnits()
        let theirs = other.slotUnits(count: mine.count)
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

    /// Users whose override sends them somewhere other than `other` would.
    func usersDiffering(from other: RoutingRule) -> [Int] {
        Set(overrides.keys).union(other.overrides.keys)
            .filter { unit(for: $0) != other.unit(for: $0) }
            .sorted()
    }

    /// The slot a user falls in, the same way `unit(for:)` computes it.
    func slot(of user: Int) -> Int { ((user % modulo) + modulo) % modulo }

    // MARK: - Slots

    private func slotUnits(count: Int? = nil) -> [String?] {
        (0..<(count ?? modulo)).map { slot in ranges.first { $0.contains(slot) }?.unit }
    }

    private static func compress(_ slots: [String?]) -> [RouteRange] {
        var ranges: [RouteRange] = []
        for (slot, unit) in slots.enumerated() {
            guard let unit else { continue }
            if let last = ranges.last, last.unit == unit, last.to == slot - 1 {
                ranges[ranges.count - 1].to = slot
            } else {
                ranges.append(RouteRange(from: slot, to: slot, unit: unit))
            }
        }
        return ranges
    }
}
