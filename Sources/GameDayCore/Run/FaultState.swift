/// Where a fault of the run stands, as `result.json` records it (`faults[].state`).
public enum FaultState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Its apply never ran: the run stopped before it.
    case notApplied = "not-applied"
    /// Still applied when the result was written (which should not happen).
    case applied
    /// Its revert through the ledger succeeded (also for a fault whose apply failed part-way).
    case reverted
    /// Its revert failed: `gameday recover` must finish it.
    case revertFailed = "revert-failed"

    public var description: String { rawValue }

    /// Still in place, or maybe: not reverted.
    public var isLeftApplied: Bool { self == .applied || self == .revertFailed }
}
