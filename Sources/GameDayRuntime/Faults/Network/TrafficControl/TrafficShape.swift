import Foundation

/// A traffic-control fault on one interface: a bandwidth limit (tbf) or a netem impairment.
public enum TrafficShape: Sendable, Hashable, Codable {
    case bandwidth(BandwidthLimit)
    case netem(NetemImpairment)

    /// gameday's root qdisc handle: how a root gameday created is told from anyone else's,
    /// now or when an earlier run left it behind.
    public static let rootHandle = "d711:"
    /// The netem child of the port/address-limited form.
    public static let netemHandle = "d712:"
    /// The prio band (class) the limited netem hangs on: the third, which the priomap never uses.
    public static let netemBand = "d711:3"

    public var interface: InterfaceName {
        switch self {
        case .bandwidth(let limit): return limit.interface
        case .netem(let netem): return netem.interface
        }
    }

    public var replaceRoot: Bool {
        switch self {
        case .bandwidth(let limit): return limit.replaceRoot
        case .netem(let netem): return netem.replaceRoot
        }
    }

    /// The apply commands. `replacing`: a foreign root is there, so the first command is
    /// `tc qdisc replace`; otherwise `tc qdisc add`, which the kernel refuses if a non-default
    /// root appeared since the snapshot.
    public func applyCommands(replacing: Bool = false) -> [[String]] {
        let root = [
            "tc", "qdisc", replacing ? "replace" : "add", "dev", interface.name, "root", "handle", Self.rootHandle,
        ]
        switch self {
        case .bandwidth(let limit):
            return [root + limit.qdiscArguments]
        case .netem(let netem):
            guard let match = netem.match else { return [root + netem.qdiscArguments] }
            // A prio root whose priomap sends every priority to band 0 (class :1): all traffic
            // keeps flowing through a plain FIFO band. netem gets band 2 (class :3) to itself,
            // and u32 filters steer only the matching traffic there.
            return [
                root + ["prio", "bands", "3", "priomap"] + Array(repeating: "0", count: 16),
                ["tc", "qdisc", "add", "dev", interface.name, "parent", Self.netemBand, "handle", Self.netemHandle]
                    + netem.qdiscArguments,
            ] + Self.filters(match, interface: interface)
        }
    }

    /// The index in `applyCommands` of the command after which traffic feels the shape: the root
    /// qdisc itself, or with a match the first filter that steers traffic to netem's band (the prio
    /// root and the band before it pass everything on unchanged).
    public var effectingCommand: Int {
        if case .netem(let netem) = self, netem.match != nil { 2 } else { 0 }
    }

    /// One u32 filter per IP family the match covers (a bare port covers both, at prio 1 and 2:
    /// filters of different protocols cannot share a priority). u32's `ip dport` assumes an IPv4
    /// header without options, `ip6 dport` one without extension headers: true of ordinary traffic.
    static func filters(_ match: NetemMatch, interface: InterfaceName) -> [[String]] {
        let families: [IPNetwork.Family] = match.address.map { [$0.family] } ?? [.ipv4, .ipv6]
        return families.enumerated().map { index, family in
            let (protocolName, selector) = family == .ipv4 ? ("ip", "ip") : ("ipv6", "ip6")
            var command = [
                "tc", "filter", "add", "dev", interface.name, "parent", rootHandle, "protocol", protocolName,
                "prio", "\(index + 1)", "u32",
            ]
            if let port = match.port { command += ["match", selector, "dport", "\(port)", "0xffff"] }
            if let address = match.address { command += ["match", selector, "dst", address.cidr] }
            return command + ["flowid", netemBand]
        }
    }

    /// What the proof looks for, for plans.
    var proofText: String {
        switch self {
        case .bandwidth(let limit):
            return "root qdisc tbf \(Self.rootHandle) on \(limit.interface) with rate \(limit.rateBitsPerSecond)bit"
        case .netem(let netem) where netem.match == nil:
            return "root qdisc netem \(Self.rootHandle) on \(netem.interface)"
        case .netem(let netem):
            return
                "prio \(Self.rootHandle) root with netem \(Self.netemHandle) on \(Self.netemBand) and u32 filters on \(netem.interface)"
        }
    }
}

/// How durations and percentages are written for `tc`.
enum TcUnits {
    /// `50ms` when whole milliseconds, else `1500us`: tc's own units, no rounding.
    static func time(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return microseconds % 1000 == 0 ? "\(microseconds / 1000)ms" : "\(microseconds)us"
    }

    /// `1%`, `0.5%`: the shortest form that keeps the value.
    static func percent(_ value: Double) -> String {
        String(format: "%g%%", value)
    }
}
