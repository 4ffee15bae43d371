/// A handle on one ledger entry.
public struct LedgerTicket: Sendable, Hashable {
    public var id: String

    public init(id: String) { self.id = id }
}

/// The on-disk record of what is applied and not yet reverted, and the one way back: the runner's
/// rollback, a watchdog and `gameday recover` all revert an entry through it.
public protocol FaultLedger: Sendable {
    /// Records (and makes durable) the intent to apply `fault`, with how to revert it.
    func intend(_ fault: any PreparedFault) async throws -> LedgerTicket
    /// Records (and makes durable) that the cut-over is about to be sent: how to cut back is the
    /// drill's cut-back, read again from `drill` and `target` (absolute paths) when it is needed.
    func intendCutover(drill: String, target: String, unit: String) async throws -> LedgerTicket
    /// It is in place.
    func applied(_ ticket: LedgerTicket) async
    /// It took effect on `places` only (hosts or pods, as `HostFault.host` names them): its revert
    /// is for those alone (an unreachable host that was never hit must not fail the revert).
    func narrow(_ ticket: LedgerTicket, to places: [String]) async
    /// Nothing is left to undo: it was never applied, or the run cut back itself.
    func reverted(_ ticket: LedgerTicket) async
    /// It is left for `gameday recover`, on purpose, for `reason`: no watchdog may undo it.
    func withhold(_ ticket: LedgerTicket, reason: String) async
    /// Reverts the entry from what it recorded, under its lock, and proves it; returns what was
    /// done (or what someone else did, when a watchdog got there first). Throws when it could not.
    func revert(_ ticket: LedgerTicket) async throws -> String
}
