import Yams

// MARK: - Proxy faults

extension FaultActionReader {
    /// `kind: proxy` — a proxy's name, a toxic and the keys of that toxic.
    func proxy() -> ProxyFaultSpec? {
        let r = reader
        let proxy = fields["proxy"].flatMap { r.systemName($0, what: "proxy name", maxLength: 64) }
        let toxic = fields["toxic"].flatMap {
            r.choice($0, what: "toxic", options: DrillFormat.toxics.map { ($0, $0) })
        }
        let stream = fields["stream"].flatMap {
            r.choice($0, what: "stream", options: ProxyFaultSpec.Stream.allCases.map { ($0.rawValue, $0) })
        }
        let toxicity = fields["toxicity"].flatMap { r.number($0, in: 0...1, what: "a toxicity") }
        guard let toxic else { return nil }
        let keysFit = checkToxicKeys(of: toxic)
        guard let action = self.toxic(toxic), keysFit, let proxy else { return nil }
        return ProxyFaultSpec(proxy: proxy, toxic: action, stream: stream ?? .downstream, toxicity: toxicity ?? 1.0)
    }

    /// Reports keys of another toxic and missing keys of `toxic`; false when there were any.
    private func checkToxicKeys(of toxic: String) -> Bool {
        guard let shape = DrillFormat.toxicShapes.first(where: { $0.toxic == toxic })?.shape else { return false }
        let toxicKeys = Set(DrillFormat.toxicShapes.flatMap(\.shape.keys))
        var fine = true
        for (key, keyNode) in fields.keys where toxicKeys.contains(key) && !shape.keys.contains(key) {
            let owners = DrillFormat.toxicShapes.filter { $0.shape.keys.contains(key) }.map(\.toxic)
            let noun = owners.count == 1 ? "toxic" : "toxics"
            reader.error("'\(key)' belongs to the \(owners.joinedAsProse) \(noun), not \(toxic)", at: keyNode)
            fine = false
        }
        for key in shape.required where fields[key] == nil {
            reader.error("missing required key '\(key)' in \(described) for the \(toxic) toxic", at: node)
            fine = false
        }
        return fine
    }

    /// The toxic named `name`, from its keys; nil when one it requires is missing or bad.
    private func toxic(_ name: String) -> ProxyToxic? {
        let r = reader
        switch name {
        case "latency":
            let jitter: Duration? = if let node = fields["jitter"] { r.duration(node) } else { .zero }
            guard let latency = fields["latency"].flatMap({ r.duration($0) }), let jitter else { return nil }
            return .latency(latency, jitter: jitter)
        case "timeout":
            return fields["timeout"].flatMap { r.duration($0, allowZero: true) }.map { .timeout($0) }
        case "bandwidth":
            return fields["rate"].flatMap { r.integer($0, in: InputLimits.proxyRate, what: "a rate in KB/s") }
                .map { .bandwidth(kilobytesPerSecond: $0) }
        case "reset_peer":
            let timeout: Duration? =
                if let node = fields["timeout"] { r.duration(node, allowZero: true) } else { .zero }
            return timeout.map { .resetPeer($0) }
        case "down":
            return .down
        default:
            return nil
        }
    }
}
