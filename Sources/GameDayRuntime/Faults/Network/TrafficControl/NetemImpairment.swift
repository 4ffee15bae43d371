/// Which egress traffic a netem impairment is limited to: a destination port, address, or both.
public struct NetemMatch: Sendable, Hashable, Codable, CustomStringConvertible {
    public var port: UInt16?
    public var address: IPNetwork?

    public init(port: UInt16? = nil, address: IPNetwork? = nil) throws(NetworkFaultError) {
        guard port != nil || address != nil else {
            throw .invalidValue(what: "netem match", value: "{}", expected: "a port, an address, or both")
        }
        if let port, port == 0 {
            throw .invalidValue(what: "netem match port", value: "0", expected: "1 to 65535")
        }
        self.port = port
        self.address = address
    }

    /// `to 10.231.0.2 port 8080`
    public var description: String {
        ["to", address?.description, port.map { "port \($0)" }].compactMap { $0 }.joined(separator: " ")
    }
}

/// Delay, jitter and loss on an interface's egress with netem, for all traffic or only matching traffic.
///
/// ```yaml
/// kind: netem
/// interface: eth0
/// delay: 200ms
/// jitter: 20ms
/// loss: 1%
/// match: { port: 5432, address: 10.0.3.7 }
/// ```
public struct NetemImpairment: Sendable, Hashable, Codable {
    public var interface: InterfaceName
    public var delay: Duration?
    /// Random variation around `delay`; needs a delay.
    public var jitter: Duration?
    /// Percent of packets dropped, more than 0 and at most 100.
    public var lossPercent: Double?
    /// Only this traffic is impaired; `nil` for everything leaving the interface.
    public var match: NetemMatch?
    /// Replace a root qdisc someone else put there (it is put back on revert).
    public var replaceRoot: Bool

    public init(
        interface: InterfaceName, delay: Duration? = nil, jitter: Duration? = nil, lossPercent: Double? = nil,
        match: NetemMatch? = nil, replaceRoot: Bool = false
    ) throws(NetworkFaultError) {
        guard delay != nil || lossPercent != nil else {
            throw .invalidValue(what: "netem", value: "no delay and no loss", expected: "a delay, a loss, or both")
        }
        for (name, value) in [("delay", delay), ("jitter", jitter)] {
            if let value, value < .zero || value > .seconds(60) {
                throw .invalidValue(what: name, value: "\(value)", expected: "0 to 60s")
            }
        }
        if jitter != nil, delay == nil {
            throw .invalidValue(what: "jitter", value: "\(jitter!)", expected: "a delay to vary (jitter needs delay)")
        }
        if let lossPercent, !(lossPercent > 0 && lossPercent <= 100) {
            throw .invalidValue(what: "loss", value: "\(lossPercent)%", expected: "more than 0% and at most 100%")
        }
        self.interface = interface
        self.delay = delay
        self.jitter = jitter
        self.lossPercent = lossPercent
        self.match = match
        self.replaceRoot = replaceRoot
    }

    /// `netem delay 200ms 20ms loss 1%`: the qdisc part of the command.
    var qdiscArguments: [String] {
        var arguments = ["netem"]
        if let delay {
            arguments += ["delay", TcUnits.time(delay)] + (jitter.map { [TcUnits.time($0)] } ?? [])
        }
        if let lossPercent { arguments += ["loss", TcUnits.percent(lossPercent)] }
        return arguments
    }
}
