/// How a lab keeps its units apart on the network.
public enum LabIsolation: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every service on 127.0.0.1 of this host: a network fault of one unit hits the other too.
    case loopback
    /// Each unit in its own network namespace behind a veth pair, so nftables and tc faults run
    /// in exactly one unit.
    case netns

    /// The faults that cannot be aimed at one unit without namespaces, for the fallback message.
    public static let unisolatedFaults =
        "block-port, latency and bandwidth faults would hit every unit on this host, not just one "
        + "(kill-process and proxy faults still hit one unit)"
}
