import GameDayCore

/// A write block in force: writes of these users and slots must wait (AppActive's "禁写") until the
/// cut-over that set it has switched the rule, or has failed.
struct WriteBlock: Sendable, Hashable, Codable {
    var cutover: String
    var users: [Int]
    var ranges: [SlotRange]

    /// Whether a write of `user` falls under the block: the user is listed, or its slot under
    /// `rule` (`userId % modulo`) is in one of the ranges.
    func covers(user: Int, rule: RoutingRule) -> Bool {
        users.contains(user) || ranges.contains { $0.contains(rule.slot(of: user)) }
    }
}

/// What the control plane pushes to every unit's order service (`PUT /internal/control`): the rule
/// in force and the write blocks, the whole state each time, so a service that missed a push (it was
/// down) is right again with the next one.
///
/// `version` grows with every change; `incarnation` is new each time the control plane starts, so a
/// restarted control plane (whose versions start again at 1) is not mistaken for a stale one.
struct ControlSnapshot: Sendable, Hashable, Codable {
    var incarnation: String
    var version: Int
    var rules: RuleDocument
    var writeBlocks: [WriteBlock]

    enum CodingKeys: String, CodingKey {
        case incarnation, version, rules
        case writeBlocks = "write_blocks"
    }

    /// Whether `self` should replace `current`.
    func supersedes(_ current: ControlSnapshot?) -> Bool {
        guard let current else { return true }
        return incarnation != current.incarnation || version > current.version
    }
}
