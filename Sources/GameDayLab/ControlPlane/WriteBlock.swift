import GameDayCore

/// A write block in force: writes of these users and slots must wait (AppActive's "禁写") until the
/// cut-over that set it has switched the rule, or has failed.
struct WriteBlock: Sendable, Hashable, Codable {
    var cutover: String
    @LabKeys var users: [String]
    var ranges: [SlotRange]
    /// Shards under the block: every key the rule puts in them.
    var shards: [String] = []

    /// Whether a write of `user` falls under the block: the user is listed, its slot under `rule`
    /// is in one of the ranges, or its shard is listed.
    func covers(user: String, rule: RoutingRule) -> Bool {
        if users.contains(user) { return true }
        let entry = rule.entry(for: user)
        if let slot = entry.slot, ranges.contains(where: { $0.contains(slot) }) { return true }
        return entry.destination?.shard.map(shards.contains) ?? false
    }

    func covers(user: Int, rule: RoutingRule) -> Bool { covers(user: String(user), rule: rule) }

    enum CodingKeys: String, CodingKey {
        case cutover, users, ranges, shards
    }

    init(cutover: String, users: [String], ranges: [SlotRange], shards: [String] = []) {
        self.cutover = cutover
        self.users = users
        self.ranges = ranges
        self.shards = shards
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cutover = try c.decode(String.self, forKey: .cutover)
        _users = try c.decode(LabKeys.self, forKey: .users)
        ranges = try c.decode([SlotRange].self, forKey: .ranges)
        shards = try c.decodeIfPresent([String].self, forKey: .shards) ?? []
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

/// Keys in the lab's JSON: integers as JSON numbers (as the lab has always written user ids), any
/// other key as a string; either is read.
@propertyWrapper
struct LabKeys: Sendable, Hashable, Codable {
    var wrappedValue: [String]

    init(wrappedValue: [String]) { self.wrappedValue = wrappedValue }

    init(from decoder: any Decoder) throws { wrappedValue = try [LabUserKey](from: decoder).map(\.text) }

    func encode(to encoder: any Encoder) throws { try wrappedValue.map(LabUserKey.init).encode(to: encoder) }
}
