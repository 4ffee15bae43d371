/// What a fault does.
public enum FaultAction: Sendable, Hashable {
    /// `kind: kill-process` — send `signal` (default KILL) to the service's process;
    /// reverted by running the service's restart command (unless `restart: false`).
    /// `kind: pause-process` is the same with SIGSTOP, reverted by SIGCONT.
    case killProcess(signal: SignalName, restart: Bool)
    /// `kind: block-port`
    case blockPort(PortBlockSpec)
    /// `kind: latency` (tc netem)
    case latency(NetemSpec)
    /// `kind: bandwidth` (tc tbf)
    case bandwidth(BandwidthSpec)
    /// `kind: proxy`
    case proxy(ProxyFaultSpec)

    /// The `kind:` that names it in a drill file.
    public var kind: String {
        switch self {
        case .killProcess(let signal, _): signal.name == "STOP" ? "pause-process" : "kill-process"
        case .blockPort: "block-port"
        case .latency: "latency"
        case .bandwidth: "bandwidth"
        case .proxy: "proxy"
        }
    }
}
