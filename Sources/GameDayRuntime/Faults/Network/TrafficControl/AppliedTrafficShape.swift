/// What a traffic-control fault will run, without running anything: for `gameday plan` and the archive.
public struct TrafficPlan: Sendable, Hashable, Codable {
    /// The snapshot commands, run first.
    public var snapshot: [[String]]
    public var apply: [[String]]
    /// Restores the snapshot: `tc qdisc del dev IF root handle d711:` for the kernel's default,
    /// a `tc qdisc replace` of the original root otherwise.
    public var revert: [[String]]
    public var proof: String

    public init(snapshot: [[String]], apply: [[String]], revert: [[String]], proof: String) {
        self.snapshot = snapshot
        self.apply = apply
        self.revert = revert
        self.proof = proof
    }
}

/// A traffic-control fault in place: the original qdiscs it must restore, and what was done.
public struct AppliedTrafficShape: Sendable, Hashable, Codable {
    public var shape: TrafficShape
    /// The interface's qdiscs before the fault: what the revert restores and checks against.
    public var original: QdiscSnapshot
    /// The commands actually run to apply it.
    public var commands: [[String]]
    /// What was seen after applying: `root qdisc tbf d711: rate 100000bit burst 16384 on veth0`.
    public var effect: String

    public init(shape: TrafficShape, original: QdiscSnapshot, commands: [[String]], effect: String) {
        self.shape = shape
        self.original = original
        self.commands = commands
        self.effect = effect
    }
}
