/// What a port block will run, without running anything: for `gameday plan` and the archive.
public struct FirewallPlan: Sendable, Hashable, Codable {
    public var backend: FirewallEngine
    /// The apply commands, in order.
    public var apply: [[String]]
    /// The revert commands, in order. For nftables the run's table is deleted only when no other
    /// block of the run is left in it.
    public var revert: [[String]]
    /// How the runner proves the block took effect.
    public var proof: String

    public init(backend: FirewallEngine, apply: [[String]], revert: [[String]], proof: String) {
        self.backend = backend
        self.apply = apply
        self.revert = revert
        self.proof = proof
    }
}

/// A block that is in place: enough to revert it (also from the ledger after a crash) and to read its counters.
public struct AppliedPortBlock: Sendable, Hashable, Codable {
    public var block: PortBlock
    public var scope: FirewallScope
    /// The backend that was used (`auto` resolved).
    public var backend: FirewallEngine
    /// The commands actually run to apply it.
    public var commands: [[String]]
    /// What was seen after applying: `nftables chain inet gameday_8f3a01bc block_1 on input: 1 rule, 0 packets so far`.
    public var effect: String

    public init(block: PortBlock, scope: FirewallScope, backend: FirewallEngine, commands: [[String]], effect: String) {
        self.block = block
        self.scope = scope
        self.backend = backend
        self.commands = commands
        self.effect = effect
    }
}

/// The counters of a block's rules: packets that matched, so were dropped or rejected.
public struct FirewallCounters: Sendable, Hashable, Codable, CustomStringConvertible {
    public var packets: Int
    public var bytes: Int

    public init(packets: Int, bytes: Int) {
        self.packets = packets
        self.bytes = bytes
    }

    public var description: String { "\(packets) packets, \(bytes) bytes" }
}
