import Yams

extension DrillReader {
    /// `checks:` — PromQL checks of the system's own metrics, each with its phases.
    func checks(_ node: Node, hasRecovery: Bool) -> [MetricCheck]? {
        let r = reader
        guard let items = r.list(node, path: "checks", nonEmpty: true) else { return nil }
        var checks: [MetricCheck] = []
        var firstLine: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "checks[\(index)]"
            guard let fields = r.mapping(item, path: path, shape: DrillFormat.check) else { continue }
            let name = fields["name"].flatMap { r.slug($0, what: "check name", example: "hangzhou-5xx-rate") }
            if let name, let nameNode = fields["name"] {
                if let line = firstLine[name] {
                    r.error("duplicate check name '\(name)'; first used at line \(line)", at: nameNode)
                } else {
                    firstLine[name] = r.location(of: nameNode).line
                }
            }
            let query = fields["query"].flatMap { r.template($0) }
            let expect = fields["expect"].flatMap { comparison($0) }
            let phases = fields["phase"].flatMap { self.phases($0, path: fields.path("phase")) }
            let every = fields["every"].flatMap {
                r.duration($0, atLeast: .milliseconds(500), because: "Prometheus answers a query in no less")
            }
            let window = fields["window"].flatMap {
                r.duration($0, atLeast: .seconds(1), because: "Prometheus's resolution is one second")
            }
            let onNoData = fields["on_no_data"].flatMap { node in
                r.choice(node, what: "'on_no_data'", options: NoDataPolicy.allCases.map { ($0.rawValue, $0) })
            }
            if let phases, phases.contains(.recovery), !hasRecovery, let phaseNode = fields["phase"] {
                r.error(
                    "check '\(name ?? path)' holds in the recovery phase, and the drill has no 'recovery' section",
                    at: phaseNode)
            }
            guard let name, let query, let expect, let phases else { continue }
            checks.append(
                MetricCheck(
                    name: name, query: query, expect: expect, phases: phases, every: every ?? .seconds(5),
                    window: window, onNoData: onNoData ?? .fail, location: r.location(of: item)))
        }
        return checks.count == items.count ? checks : nil
    }

    /// `"< 0.5"`: an operator and a number.
    private func comparison(_ node: Node) -> MetricComparison? {
        guard let text = reader.text(node) else { return nil }
        guard let comparison = MetricComparison(parsing: text) else {
            let operators = MetricComparison.Operator.allCases.map(\.rawValue).joined(separator: " ")
            reader.error(
                "expected a comparison such as '< 0.5' (one of \(operators), then a number), found '\(text)'", at: node)
            return nil
        }
        return comparison
    }

    /// `guardrail` or `[steady_state, recovery]`.
    private func phases(_ node: Node, path: String) -> [CheckPhase]? {
        let r = reader
        guard let items = r.oneOrMany(node, path: path) else { return nil }
        let phases = items.compactMap { item in
            r.choice(item, what: "check phase", options: CheckPhase.allCases.map { ($0.rawValue, $0) })
        }
        guard phases.count == items.count else { return nil }
        var seen: [CheckPhase] = []
        for phase in phases where !seen.contains(phase) { seen.append(phase) }
        return seen
    }
}
