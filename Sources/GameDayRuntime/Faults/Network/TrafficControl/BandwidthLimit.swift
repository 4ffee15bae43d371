/// A bandwidth limit on an interface's egress: a tbf root qdisc.
///
/// ```yaml
/// kind: bandwidth
/// interface: eth0
/// rate: 1mbit
/// burst: 32kb
/// latency: 50ms
/// ```
public struct BandwidthLimit: Sendable, Hashable, Codable {
    public var interface: InterfaceName
    /// The sustained rate, in bits per second.
    public var rateBitsPerSecond: UInt64
    /// The bucket size in bytes: how much may leave at line speed before the rate applies.
    public var burstBytes: Int
    /// How long a packet may wait in the bucket's queue before it is dropped.
    public var latency: Duration
    /// Replace a root qdisc someone else put there (it is put back on revert).
    public var replaceRoot: Bool

    public init(
        interface: InterfaceName, rateBitsPerSecond: UInt64, burstBytes: Int, latency: Duration = .milliseconds(50),
        replaceRoot: Bool = false
    ) throws(NetworkFaultError) {
        guard rateBitsPerSecond >= 8, rateBitsPerSecond <= 100_000_000_000 else {
            throw .invalidValue(what: "rate", value: "\(rateBitsPerSecond)bit", expected: "8 bit/s to 100 Gbit/s")
        }
        // tbf needs a bucket of at least one full packet, or nothing ever leaves.
        guard burstBytes >= 1600, burstBytes <= 1 << 30 else {
            throw .invalidValue(
                what: "burst", value: "\(burstBytes) bytes", expected: "1600 bytes (one packet) to 1 GiB")
        }
        guard latency > .zero, latency <= .seconds(60) else {
            throw .invalidValue(what: "latency", value: "\(latency)", expected: "more than 0 and at most 60s")
        }
        self.interface = interface
        self.rateBitsPerSecond = rateBitsPerSecond
        self.burstBytes = burstBytes
        self.latency = latency
        self.replaceRoot = replaceRoot
    }

    /// `tbf rate 100000bit burst 16384 latency 50ms`: the qdisc part of the command.
    var qdiscArguments: [String] {
        ["tbf", "rate", "\(rateBitsPerSecond)bit", "burst", "\(burstBytes)", "latency", TcUnits.time(latency)]
    }
}
