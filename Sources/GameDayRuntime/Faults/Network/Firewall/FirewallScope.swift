/// The firewall objects of one block of one run, named so leftovers are easy to find (`gameday`).
///
/// nftables: one table per block, `inet gameday_<run>_<slot>`, with one base chain `block`.
/// A table per block rather than one per run: each block is then removed by a single
/// idempotent `nft delete table`, which is exactly what a ledger recipe needs, and the blocks
/// of a run can be reverted one at a time; the run's tables are still found by their common
/// prefix (`gameday_<run>_`). iptables: one chain per block, `GAMEDAY-<run>-<slot>` (at most
/// 28 characters, the iptables limit: hence the short run id and slot).
public struct FirewallScope: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The run id: 1 to 16 letters or digits (gameday's are 8 hex digits).
    public let runID: String
    /// Which block of the run: 1 to 99 (the fault's position in the drill will do).
    public let slot: Int

    public init(runID: String, slot: Int = 1) throws(NetworkFaultError) {
        guard (1...16).contains(runID.utf8.count), runID.utf8.allSatisfy(NameRule.isAlphanumeric) else {
            throw .invalidValue(what: "run id", value: runID, expected: "1 to 16 letters or digits")
        }
        guard (1...99).contains(slot) else {
            throw .invalidValue(what: "block slot", value: "\(slot)", expected: "1 to 99")
        }
        self.runID = runID
        self.slot = slot
    }

    /// `gameday_8f3a01bc_1`: this block's nftables table (family inet).
    public var nftTable: String { "\(Self.nftPrefix(runID: runID))\(slot)" }
    /// The base chain in the block's table.
    public var nftChain: String { "block" }
    /// `GAMEDAY-8f3a01bc-1`: this block's iptables chain in the filter table.
    public var iptablesChain: String { "\(Self.iptablesPrefix(runID: runID))\(slot)" }

    public var description: String { "run \(runID) block \(slot)" }

    static func nftPrefix(runID: String) -> String { "gameday_\(runID)_" }
    static func iptablesPrefix(runID: String) -> String { "GAMEDAY-\(runID)-" }
}

/// The firewall that carries out a block.
public enum FirewallEngine: String, Sendable, Hashable, Codable, CaseIterable {
    case nftables, iptables
}

/// Which firewall to use: `auto` takes nftables when `nft list tables` works, else iptables.
public enum FirewallEngineChoice: String, Sendable, Hashable, Codable, CaseIterable {
    case auto, nftables, iptables

    /// The choice of exactly `backend`: to apply with the backend a ledger recipe was written for.
    public init(_ backend: FirewallEngine) {
        switch backend {
        case .nftables: self = .nftables
        case .iptables: self = .iptables
        }
    }
}
