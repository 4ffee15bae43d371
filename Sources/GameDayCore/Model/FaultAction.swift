/// What a fault does.
public enum FaultAction: Sendable, Hashable {
    /// `kind: kill-process` — send `signal` (default KILL; never STOP) to the service's process;
    /// reverted by running the service's restart command (unless `restart: false`).
    case killProcess(signal: SignalName, restart: Bool)
    /// `kind: pause-process` — stop the service's process (SIGSTOP); reverted by SIGCONT to the same
    /// processes.
    case pauseProcess
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
        case .killProcess: "kill-process"
        case .pauseProcess: "pause-process"
        case .blockPort: "block-port"
        case .latency: "latency"
        case .bandwidth: "bandwidth"
        case .proxy: "proxy"
        }
    }

    /// For a process fault, the signal that applies it and whether a restart reverts it (a pause:
    /// SIGSTOP, reverted by SIGCONT instead); nil for the others.
    public var signalled: (signal: SignalName, restart: Bool)? {
        switch self {
        case .killProcess(let signal, let restart): (signal, restart)
        case .pauseProcess: SignalName("STOP").map { ($0, false) }
        case .blockPort, .latency, .bandwidth, .proxy: nil
        }
    }
}
