/// A source and a destination unit whose replication a cut-over waits for.
struct SyncPair: Sendable, Hashable {
    var from: String
    var to: String
}

/// How the sync wait of one source → destination went, as `GET /v1/cutovers/{id}` reports it:
/// `{"from":"beijing","to":"hangzhou","state":"caught_up","target":42,"applied":42,"via":"database-file"}`.
struct SyncProgress: Sendable, Hashable, Encodable {
    enum State: String, Sendable, Hashable, Encodable {
        /// Waiting for the destination to apply up to `target`.
        case waiting
        /// The destination has applied everything the source had committed when the wait began.
        case caughtUp = "caught_up"
        /// The wait ran out of time; the cut-over failed.
        case timedOut = "timed_out"
        /// `--no-sync-wait`: the switch followed the block straight away.
        case skipped
    }

    var from: String
    var to: String
    var state: State
    /// The last position the source had committed when the wait began (after the block).
    var target: Int?
    /// How far the destination had applied the source when last asked.
    var applied: Int?
    /// Where the target came from: `peer` (the source's order service) or `database-file` (read
    /// from the source's database because its order service did not answer).
    var via: String?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(state, forKey: .state)
        try c.encode(target, forKey: .target)
        try c.encode(applied, forKey: .applied)
        try c.encode(via, forKey: .via)
    }

    enum CodingKeys: String, CodingKey { case from, to, state, target, applied, via }
}
