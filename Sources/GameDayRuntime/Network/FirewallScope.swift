/// The firewall objects of one block of one run, named so leftovers are easy to find (`gameday`).
///
/// nftables: one table per run, `inet gameday_<run>`, and one base chain per block in it,
/// `block_<slot>`, so the blocks of a run can be reverted one at a time and `gameday recover`
/// can drop the whole table. iptables: one chain per block, `GAMEDAY-<run>-<slot>`
/// (at most 28 characters, the iptables limit: hence the short run id and slot).
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

    /// `gameday_8f3a01bc`: the run's nftables table (family inet).
    public var nftTable: String { Self.nftTable(runID: runID) }
    /// `block_1`: this block's base chain in the run's table.
    public var nftChain: String { "block_\(slot)" }
    /// `GAMEDAY-8f3a01bc-1`: this block's iptables chain in the filter table.
    public var iptablesChain: String { "\(Self.iptablesPrefix(runID: runID))\(slot)" }

    public var description: String { "run \(runID) block \(slot)" }

    static func nftTable(runID: String) -> String { "gameday_\(runID)" }
    static func iptablesPrefix(runID: String) -> String { "GAMEDAY-\(runID)-" }
}

/// The firewall that carries out a block.
public enum FirewallBackend: String, Sendable, Hashable, Codable, CaseIterable {
    case nftables, iptables
}

/// Which firewall to use: `auto` takes nftables when `nft list tables` works, else iptables.
public enum FirewallBackendChoice: String, Sendable, Hashable, Codable, CaseIterable {
    case auto, nftables, iptables
}
