/// Which way blocked traffic flows, seen from the unit.
public enum TrafficDirection: String, Sendable, Hashable, CaseIterable {
    case inbound
    case outbound
}

public enum TransportProtocol: String, Sendable, Hashable, CaseIterable {
    case tcp
    case udp
}

/// Which firewall a port block uses: `auto` takes nftables when the host has it, else iptables.
public enum FirewallBackend: String, Sendable, Hashable, CaseIterable {
    case auto
    case nftables
    case iptables
}

/// An inclusive range of ports; one port is a range of one.
public struct PortRange: Sendable, Hashable, CustomStringConvertible {
    public var from: Int
    public var to: Int

    public init(_ from: Int, _ to: Int? = nil) {
        self.from = from
        self.to = to ?? from
    }

    public var description: String { from == to ? "\(from)" : "\(from)-\(to)" }
}

/// `kind: block-port` — drop traffic to or from ports of the unit.
///
/// ```yaml
/// - name: product-unreachable
///   kind: block-port
///   unit: beijing
///   service: product        # its `port:` in the target is the default port
///   direction: inbound      # inbound | outbound
///   protocol: tcp           # tcp | udp
///   ports: [9311, "9400-9410"]
///   peer: 10.231.0.1        # only traffic from/to this address
///   backend: auto           # auto | nftables | iptables
/// ```
public struct PortBlockSpec: Sendable, Hashable {
    public var direction: TrafficDirection
    public var transport: TransportProtocol
    /// Empty: the service's own port from the target.
    public var ports: [PortRange]
    public var peer: String?
    public var backend: FirewallBackend

    public init(
        direction: TrafficDirection = .inbound, transport: TransportProtocol = .tcp, ports: [PortRange] = [],
        peer: String? = nil, backend: FirewallBackend = .auto
    ) {
        self.direction = direction
        self.transport = transport
        self.ports = ports
        self.peer = peer
        self.backend = backend
    }
}

/// Limits a latency or loss fault to some of the traffic (`match:`).
public struct TrafficMatch: Sendable, Hashable {
    /// Destination port.
    public var port: Int?
    /// Destination address.
    public var address: String?

    public init(port: Int? = nil, address: String? = nil) {
        self.port = port
        self.address = address
    }
}

/// How a latency fault delays packets: `auto` takes tc netem where the kernel has it (and an
/// `interface` is given), else nfqueue.
public enum LatencyBackend: String, Sendable, Hashable, CaseIterable {
    case auto
    /// A `tc netem` qdisc on the interface's egress (prio + u32 when `match` limits it).
    case netem
    /// A `queue num N bypass` rule and gameday's delayer process, which holds each packet:
    /// works on kernels without sch_netem, and traffic flows normally whenever the delayer is gone.
    case nfqueue
}

/// `kind: latency` — delay and/or lose packets, with `tc netem` or through an NFQUEUE delayer.
///
/// ```yaml
/// - name: slow-link
///   kind: latency
///   unit: beijing
///   backend: auto         # auto | netem | nfqueue
///   interface: gd-bj0     # netem: the interface whose egress is delayed
///   delay: 200ms
///   jitter: 20ms
///   loss: 1.5             # percent
///   match: { port: 9311 } # only this traffic; the rest passes untouched
///   replace_root: false   # netem: refuse to replace a root qdisc gameday did not create
///   # nfqueue: which packets, in block-port's words (ports default to match.port, else the service's port)
///   direction: inbound    # inbound | outbound
///   protocol: tcp
///   ports: [9311]
///   peer: 10.231.0.1
///   reorder: false        # nfqueue: let jitter reorder packets (netem's way); default keeps their order
/// ```
public struct NetemSpec: Sendable, Hashable {
    /// Required by netem; not used by nfqueue, whose rule matches on every interface.
    public var interface: String?
    public var delay: Duration?
    public var jitter: Duration?
    /// Percent of packets lost, 0...100.
    public var loss: Double?
    public var match: TrafficMatch?
    public var replaceRoot: Bool
    public var backend: LatencyBackend
    /// nfqueue's packets: block-port's grammar.
    public var packets: PortBlockSpec
    /// nfqueue: jitter may reorder packets.
    public var reorder: Bool

    public init(
        interface: String?, delay: Duration? = nil, jitter: Duration? = nil, loss: Double? = nil,
        match: TrafficMatch? = nil, replaceRoot: Bool = false, backend: LatencyBackend = .auto,
        packets: PortBlockSpec = PortBlockSpec(), reorder: Bool = false
    ) {
        self.interface = interface
        self.delay = delay
        self.jitter = jitter
        self.loss = loss
        self.match = match
        self.replaceRoot = replaceRoot
        self.backend = backend
        self.packets = packets
        self.reorder = reorder
    }
}

/// `kind: bandwidth` — cap an interface's egress with `tc tbf`.
///
/// ```yaml
/// - name: thin-pipe
///   kind: bandwidth
///   unit: beijing
///   interface: gd-bj0
///   rate: 1mbit           # tc's rate units: bit, kbit, mbit, gbit, bps, kbps, mbps
///   burst: 32kbit
///   latency: 50ms
///   replace_root: false
/// ```
public struct BandwidthSpec: Sendable, Hashable {
    public var interface: String
    public var rate: String
    public var burst: String
    public var latency: Duration
    public var replaceRoot: Bool

    public init(
        interface: String, rate: String, burst: String = "32kbit", latency: Duration = .milliseconds(50),
        replaceRoot: Bool = false
    ) {
        self.interface = interface
        self.rate = rate
        self.burst = burst
        self.latency = latency
        self.replaceRoot = replaceRoot
    }
}

/// What a proxy fault does to the connections through one proxy.
public enum ProxyToxic: Sendable, Hashable {
    /// `toxic: latency` with `latency:` and `jitter:`.
    case latency(Duration, jitter: Duration)
    /// `toxic: timeout` with `timeout:` (zero: hold the data forever).
    case timeout(Duration)
    /// `toxic: bandwidth` with `rate:` in KB/s.
    case bandwidth(kilobytesPerSecond: Int)
    /// `toxic: reset_peer` with `timeout:`.
    case resetPeer(Duration)
    /// `toxic: down` — the proxy is disabled: connections are refused.
    case down

    public var name: String {
        switch self {
        case .latency: "latency"
        case .timeout: "timeout"
        case .bandwidth: "bandwidth"
        case .resetPeer: "reset_peer"
        case .down: "down"
        }
    }
}

/// `kind: proxy` — a toxic on a proxy of the unit's fault proxy (Toxiproxy's HTTP API).
///
/// ```yaml
/// - name: slow-product
///   kind: proxy
///   unit: beijing
///   proxy: product          # the proxy's name
///   toxic: latency          # latency | timeout | bandwidth | reset_peer | down
///   latency: 300ms
///   jitter: 50ms
///   stream: downstream      # downstream | upstream
///   toxicity: 1.0           # share of connections hit
/// ```
public struct ProxyFaultSpec: Sendable, Hashable {
    public enum Stream: String, Sendable, Hashable, CaseIterable {
        case downstream
        case upstream
    }

    public var proxy: String
    public var toxic: ProxyToxic
    public var stream: Stream
    public var toxicity: Double

    public init(proxy: String, toxic: ProxyToxic, stream: Stream = .downstream, toxicity: Double = 1.0) {
        self.proxy = proxy
        self.toxic = toxic
        self.stream = stream
        self.toxicity = toxicity
    }
}
