import Yams

/// Reads what one fault entry does, from the keys of its `kind:`.
///
/// `DrillReader` has already reported keys of other kinds and the kind's missing keys;
/// each function here reads the keys its kind takes, reports bad values and what only
/// the combination of keys can tell (`jitter` without `delay`), and returns nil when the
/// action cannot be built.
struct FaultActionReader {
    let reader: NodeReader
    let fields: MappingFields
    /// The fault's mapping, where problems of the whole entry are reported.
    let node: Node

    func action(kind: String) -> FaultAction? {
        switch kind {
        case "kill-process": killProcess()
        case "pause-process": .pauseProcess
        case "block-port": blockPort().map { .blockPort($0) }
        case "latency": netem().map { .latency($0) }
        case "bandwidth": bandwidth().map { .bandwidth($0) }
        case "proxy": proxy().map { .proxy($0) }
        default: nil
        }
    }

    /// The fault's path in messages: `'faults[0]'`.
    var described: String { reader.describe(path: fields.path) }

    // MARK: - Processes

    private func killProcess() -> FaultAction? {
        let signal = fields["signal"].map { self.signal($0) } ?? SignalName("KILL")
        let restart = fields["restart"].flatMap { reader.bool($0) }
        // `signal: STOP` stops rather than kills: the same fault as `kind: pause-process`.
        return signal.map { $0.name == "STOP" ? .pauseProcess : .killProcess(signal: $0, restart: restart ?? true) }
    }

    /// `signal: KILL`, `TERM`, `SIGTERM` or `15`.
    private func signal(_ node: Node) -> SignalName? {
        guard let text = reader.text(node) else { return nil }
        if let signal = SignalName(text) { return signal }
        let names = SignalName.known.map(\.0)
        var word = text.uppercased()
        if word.hasPrefix("SIG") { word.removeFirst(3) }
        reader.error("unknown signal '\(text)'" + Suggestion.hint(for: word, among: names), at: node)
        return nil
    }

    // MARK: - Network

    private func blockPort() -> PortBlockSpec? {
        let backend = fields["backend"].flatMap {
            reader.choice($0, what: "firewall backend", options: FirewallBackend.allCases.map { ($0.rawValue, $0) })
        }
        if fields["ports"] == nil, fields["service"] == nil {
            reader.error(
                "\(described) needs 'ports', or a 'service' whose 'port:' the target gives, for a block-port fault",
                at: node)
            return nil
        }
        var spec = packets()
        spec.backend = backend ?? spec.backend
        return spec
    }

    /// `direction`, `protocol`, `ports` and `peer`: which packets a block-port fault drops and a
    /// latency fault's nfqueue backend delays.
    private func packets() -> PortBlockSpec {
        let r = reader
        let direction = fields["direction"].flatMap {
            r.choice($0, what: "direction", options: TrafficDirection.allCases.map { ($0.rawValue, $0) })
        }
        let transport = fields["protocol"].flatMap {
            r.choice($0, what: "protocol", options: TransportProtocol.allCases.map { ($0.rawValue, $0) })
        }
        let ports = fields["ports"].flatMap { r.portRanges($0, path: fields.path("ports")) }
        let peer = fields["peer"].flatMap { r.address($0, what: "peer") }
        let defaults = PortBlockSpec()
        return PortBlockSpec(
            direction: direction ?? defaults.direction, transport: transport ?? defaults.transport,
            ports: ports ?? [], peer: peer)
    }

    private func netem() -> NetemSpec? {
        let r = reader
        let delay = fields["delay"].flatMap { r.duration($0) }
        let jitter = fields["jitter"].flatMap { r.duration($0) }
        let loss = fields["loss"].flatMap { r.percentage($0, what: "a packet loss percentage") }
        let match = fields["match"].flatMap { trafficMatch($0, path: fields.path("match")) }
        let replaceRoot = fields["replace_root"].flatMap { r.bool($0) }
        let reorder = fields["reorder"].flatMap { r.bool($0) }
        let backend = fields["backend"].flatMap {
            r.choice($0, what: "latency backend", options: LatencyBackend.allCases.map { ($0.rawValue, $0) })
        }
        if fields["delay"] == nil, fields["loss"] == nil {
            r.error(
                "\(described) needs 'delay', 'loss' or both: a latency fault without them changes nothing", at: node)
        }
        if let jitterNode = fields["jitter"], fields["delay"] == nil {
            r.error("'jitter' varies the delay, so it needs 'delay' too", at: jitterNode)
        }
        if backend == .netem {
            // tc netem shapes an interface's egress; the nfqueue words do not apply to it.
            for key in ["direction", "protocol", "ports", "peer", "reorder"] {
                if let keyNode = fields.keyNode(key) {
                    r.error(
                        "'\(key)' is for the nfqueue backend; tc netem delays an interface's egress, limited by 'match'",
                        at: keyNode)
                }
            }
        }
        if backend == .nfqueue, let keyNode = fields.keyNode("replace_root") {
            r.error("'replace_root' is for the netem backend; nfqueue puts no qdisc on any interface", at: keyNode)
        }
        var interface: String?
        if let interfaceNode = fields["interface"] {
            guard let name = interfaceName(interfaceNode) else { return nil }
            interface = name
        } else if backend == .netem {
            r.error("\(described) needs 'interface' for the netem backend: the qdisc goes on its egress", at: node)
            return nil
        } else if fields["ports"] == nil, match?.port == nil, fields["service"] == nil {
            r.error(
                "\(described) needs 'interface' (for tc netem), or 'ports', 'match.port' or a 'service' with a port (for nfqueue)",
                at: node)
            return nil
        }
        return NetemSpec(
            interface: interface, delay: delay, jitter: jitter, loss: loss, match: match,
            replaceRoot: replaceRoot ?? false, backend: backend ?? .auto, packets: packets(), reorder: reorder ?? false)
    }

    /// `match: { port: 9311, address: 10.231.0.2 }` — at least one of them.
    private func trafficMatch(_ node: Node, path: String) -> TrafficMatch? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: DrillFormat.trafficMatch) else { return nil }
        let port = fields["port"].flatMap { r.integer($0, in: 1...65535, what: "a port") }
        let address = fields["address"].flatMap { r.address($0, what: "address") }
        if fields["port"] == nil, fields["address"] == nil {
            r.error("\(r.describe(path: path)) needs 'port', 'address' or both", at: node)
            return nil
        }
        return TrafficMatch(port: port, address: address)
    }

    private func bandwidth() -> BandwidthSpec? {
        let r = reader
        let rate = fields["rate"].flatMap {
            r.tcQuantity(
                $0, what: "rate", units: DrillFormat.rateUnits, scale: DrillFormat.bitsPerSecond,
                largest: InputLimits.fastestTCRate, example: "1mbit")
        }
        let burst = fields["burst"].flatMap {
            r.tcQuantity(
                $0, what: "burst", units: DrillFormat.sizeUnits, scale: DrillFormat.bytes,
                largest: InputLimits.largestTCBurst, example: "32kbit")
        }
        let latency = fields["latency"].flatMap { r.duration($0) }
        let replaceRoot = fields["replace_root"].flatMap { r.bool($0) }
        guard let interface = fields["interface"].flatMap({ interfaceName($0) }), let rate else { return nil }
        let defaults = BandwidthSpec(interface: interface, rate: rate)
        return BandwidthSpec(
            interface: interface, rate: rate, burst: burst ?? defaults.burst, latency: latency ?? defaults.latency,
            replaceRoot: replaceRoot ?? false)
    }

    /// A Linux interface name: at most 15 characters (IFNAMSIZ less the terminating zero).
    private func interfaceName(_ node: Node) -> String? {
        reader.systemName(node, what: "interface name", maxLength: 15)
    }
}
