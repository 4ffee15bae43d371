/// Which way the blocked traffic flows, seen from the host the block is applied on.
public enum FirewallDirection: String, Sendable, Hashable, Codable, CaseIterable {
    /// Packets arriving for a local port (the input hook); the peer is their source.
    case inbound
    /// Packets leaving for a remote port (the output hook); the peer is their destination.
    case outbound
}

/// The transport protocol a block applies to.
public enum FirewallTransport: String, Sendable, Hashable, Codable, CaseIterable {
    case tcp, udp
}

/// What happens to a blocked packet.
public enum BlockAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Silently discarded: the other side sees a timeout, like a dead link.
    case drop
    /// Refused at once (TCP reset, ICMP port unreachable for UDP), like a stopped service.
    case reject
    /// Sent to an NFQUEUE queue with bypass, where the delayer holds it (the latency fault's
    /// nfqueue backend); with no delayer bound to the queue, it passes as if there were no rule.
    case queue
}

/// A port block: what to match and what to do with it. The values are validated by their types.
///
/// ```yaml
/// kind: block-port
/// direction: inbound
/// protocol: tcp
/// ports: [8080, 9000-9010]
/// peer: 10.0.0.0/8
/// ```
public struct PortBlock: Sendable, Hashable, Codable, CustomStringConvertible {
    public var direction: FirewallDirection
    public var transport: FirewallTransport
    /// One or more ports or ranges; never empty.
    public var ports: [FirewallPortRange]
    /// Only traffic from (inbound) or to (outbound) this address or network; `nil` for any.
    public var peer: IPNetwork?
    public var action: BlockAction
    /// The queue of `action: queue`.
    public var queue: UInt16?

    public init(
        direction: FirewallDirection, transport: FirewallTransport = .tcp, ports: [FirewallPortRange],
        peer: IPNetwork? = nil,
        action: BlockAction = .drop, queue: UInt16? = nil
    ) throws(NetworkFaultError) {
        guard !ports.isEmpty else {
            throw .invalidValue(what: "port list", value: "[]", expected: "at least one port or range")
        }
        self.direction = direction
        self.transport = transport
        self.ports = ports
        self.peer = peer
        self.action = action
        self.queue = action == .queue ? (queue ?? 0) : nil
    }

    /// `inbound tcp 8080,9000-9010 from 10.0.0.0/8 (drop)`, for messages and plans.
    public var description: String {
        let ports = ports.map(\.description).joined(separator: ",")
        let peer = peer.map { " \(direction == .inbound ? "from" : "to") \($0)" } ?? ""
        let action = self.action == .queue ? "queue \(queue ?? 0)" : self.action.rawValue
        return "\(direction.rawValue) \(transport.rawValue) \(ports)\(peer) (\(action))"
    }

    /// The IP families the block must cover: the peer's, or both when any peer is blocked.
    var families: [IPNetwork.Family] { peer.map { [$0.family] } ?? [.ipv4, .ipv6] }

    /// What its rules did to the packets they matched, for counters: `dropped`, `queued`.
    public var matchedVerb: String {
        switch action {
        case .drop: "dropped"
        case .reject: "refused"
        case .queue: "queued"
        }
    }
}
