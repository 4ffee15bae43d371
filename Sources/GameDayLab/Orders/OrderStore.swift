import Foundation

/// A unit's order service state: its database and what the control plane last pushed.
///
/// One actor for both, so that a write's checks (routed here? write-blocked?) and its commit happen
/// in one turn: once a block push has been answered, no write it covers can still commit.
actor OrderStore {
    /// What became of a write.
    enum Placement: Sendable {
        case placed(OrderRecord)
        /// The rule sends this user to another unit (nil: to none).
        case notRoutedHere(routedTo: String?)
        /// A cut-over's write block covers this user.
        case writeBlocked(cutover: String)
        /// No rule has been pushed yet.
        case noRule
    }

    let unit: String
    let replicationLag: Duration
    private let database: OrderDatabase
    private(set) var control: ControlSnapshot?

    init(unit: String, path: String, replicationLag: Duration) throws {
        self.unit = unit
        self.replicationLag = replicationLag
        self.database = try OrderDatabase.open(path: path)
    }

    // MARK: - Control

    /// Takes a pushed snapshot when it is newer than the one held; returns whether it did.
    func apply(_ snapshot: ControlSnapshot) -> Bool {
        guard snapshot.supersedes(control) else { return false }
        let before = control
        control = snapshot
        if before?.writeBlocks != snapshot.writeBlocks || before?.rules.version != snapshot.rules.version {
            let blocks = snapshot.writeBlocks.map(\.cutover).joined(separator: ", ")
            LabLog.line(
                "control version \(snapshot.version): rule version \(snapshot.rules.version), "
                    + "write blocks [\(blocks)]")
        }
        return true
    }

    // MARK: - Orders

    /// Checks the block and the rule, then commits the write and its outbox row.
    func place(user: Int, draft: OrderDraft) throws -> Placement {
        guard let control else { return .noRule }
        if let block = control.writeBlocks.first(where: { $0.covers(user: user, rule: control.rules.rule) }) {
            return .writeBlocked(cutover: block.cutover)
        }
        let routed = control.rules.rule.unit(for: user)
        guard routed == unit else { return .notRoutedHere(routedTo: routed) }
        return .placed(
            try database.place(user: user, draft: draft, origin: unit, at: LabTimestamp.now().unixMilliseconds))
    }

    func orders(user: Int, tag: String?) throws -> [OrderRecord] {
        try database.orders(user: user, tag: tag)
    }

    // MARK: - Replication

    /// The positions, with how far each of `peers` has confirmed applying this unit's outbox.
    func positions(peers: [String]) throws -> ReplicationPositions {
        var shipped: [String: Int] = [:]
        for peer in peers { shipped[peer] = try database.position("shipped:\(peer)") }
        return ReplicationPositions(
            unit: unit, committed: try database.committed(), shipped: shipped,
            applied: try database.appliedPositions(), lagMilliseconds: replicationLag.milliseconds)
    }

    /// The outbox rows some peer of `peers` has not confirmed yet: how many, and when the oldest
    /// was committed (Unix milliseconds; nil when there are none).
    func backlog(peers: [String]) throws -> (depth: Int, oldestMilliseconds: Double?) {
        let confirmed = try peers.map { try database.position("shipped:\($0)") }.min() ?? database.committed()
        return try database.backlog(after: confirmed)
    }

    /// Outbox rows not yet shipped to `peer` that are at least `replicationLag` old, oldest first.
    func shippable(to peer: String, limit: Int = 200) throws -> [OrderRecord] {
        let cutoff = LabTimestamp.now().unixMilliseconds - replicationLag.milliseconds
        return try database.outbox(
            origin: unit, after: try database.position("shipped:\(peer)"), committedBefore: cutoff, limit: limit)
    }

    /// Records how far `peer` has applied this unit's outbox (what it answered to a shipment).
    func shipped(upTo position: Int, to peer: String) throws {
        try database.setPosition("shipped:\(peer)", position)
    }

    /// Applies rows replicated from `origin`; returns the applied position.
    func apply(_ records: [OrderRecord], origin: String) throws -> Int {
        try database.apply(records, origin: origin)
    }

    func applied(origin: String) throws -> Int {
        try database.position("applied:\(origin)")
    }

    /// Reads `origin`'s unshipped rows straight from its database file and applies them: the lab's
    /// stand-in for DRC reading the binlog of a database whose application tier is down. Returns
    /// the last position `origin` committed (from its file) and the applied position afterwards.
    func pull(origin: String, databasePath: String) throws -> (committed: Int, applied: Int) {
        guard let peer = try OrderDatabase.openPeer(path: databasePath) else {
            return (0, try applied(origin: origin))
        }
        // The target first: whatever the origin commits while this runs is for the next pull.
        let committed = try peer.committed()
        var applied = try self.applied(origin: origin)
        while applied < committed {
            let rows = try peer.outbox(origin: origin, after: applied)
            if rows.isEmpty { break }
            let next = try database.apply(rows, origin: origin)
            if next == applied { break }
            applied = next
        }
        return (committed, applied)
    }
}
