/// The phases of a cut-over, AppActive style, in order. A phase's timestamp is taken when it completes.
enum CutoverPhase: String, Sendable, Hashable, Codable, CaseIterable {
    case accepted
    case writeBlock = "write_block"
    case syncWait = "sync_wait"
    case `switch`
    case unblock
    case done
    case failed
}

/// One cut-over (or cut-back) as `GET /v1/cutovers/{id}` reports it.
struct Cutover: Sendable, Hashable, Encodable {
    enum Kind: String, Sendable, Hashable, Encodable {
        case cutover, cutback
    }

    var id: String
    var kind: Kind
    /// The phase in progress (`accepted` while queued), or `done` / `failed`.
    var state: CutoverPhase
    var from: String?
    var to: String?
    /// What moves: for a cut-back, what differs from the baseline when its write block starts.
    var users: [String]
    var ranges: [SlotRange]
    /// Shard → the unit it moves to (for a cut-back, back to).
    var shards: [String: String] = [:]
    /// The rule version the switch published.
    var ruleVersion: Int?
    /// Completed phases in order.
    var phases: [(phase: CutoverPhase, at: LabTimestamp)] = []
    /// The sync wait of each source → destination, once it began.
    var sync: [SyncProgress] = []
    var error: String?

    static func == (lhs: Cutover, rhs: Cutover) -> Bool {
        lhs.id == rhs.id && lhs.state == rhs.state && lhs.phases.map(\.phase) == rhs.phases.map(\.phase)
    }

    func hash(into hasher: inout Hasher) { hasher.combine(id) }

    enum CodingKeys: String, CodingKey {
        case id, kind, state, from, to, users, ranges, shards, error, phases, sync
        case ruleVersion = "rule_version"
        case phasesUnixMilliseconds = "phases_unix_ms"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(state, forKey: .state)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(LabKeys(wrappedValue: users), forKey: .users)
        try c.encode(ranges, forKey: .ranges)
        try c.encode(shards, forKey: .shards)
        try c.encode(ruleVersion, forKey: .ruleVersion)
        var rfc = c.nestedContainer(keyedBy: PhaseKey.self, forKey: .phases)
        var unix = c.nestedContainer(keyedBy: PhaseKey.self, forKey: .phasesUnixMilliseconds)
        for (phase, at) in phases {
            try rfc.encode(at.rfc3339, forKey: PhaseKey(phase))
            try unix.encode(at.unixMilliseconds, forKey: PhaseKey(phase))
        }
        try c.encode(sync, forKey: .sync)
        try c.encode(error, forKey: .error)
    }

    private struct PhaseKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ phase: CutoverPhase) { stringValue = phase.rawValue }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
