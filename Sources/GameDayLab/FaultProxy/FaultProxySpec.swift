/// A proxy a fault proxy process creates when it starts: `lab serve --role fault-proxy --proxy
/// product=127.0.0.1:9314,127.0.0.1:9311` (name=listen,upstream). Being on the command line, it is
/// created again whenever the process is restarted.
public struct FaultProxySpec: Sendable, Hashable, Codable {
    public var name: String
    /// Where the proxy listens, `127.0.0.1:9314`.
    public var listen: String
    /// Where it forwards to, `127.0.0.1:9311`.
    public var upstream: String

    public init(name: String, listen: String, upstream: String) {
        self.name = name
        self.listen = listen
        self.upstream = upstream
    }

    /// Parses `name=listen,upstream`; nil when it is not that shape.
    public init?(argument: String) {
        let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        let addresses = parts[1].split(separator: ",").map(String.init)
        guard addresses.count == 2, ProxyAddress(addresses[0]) != nil, ProxyAddress(addresses[1]) != nil else {
            return nil
        }
        self.init(name: parts[0], listen: addresses[0], upstream: addresses[1])
    }

    /// `name=listen,upstream`, what `init(argument:)` reads.
    public var argument: String { "\(name)=\(listen),\(upstream)" }
}
