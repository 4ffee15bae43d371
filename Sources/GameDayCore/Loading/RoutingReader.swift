import Yams

/// Reads `routing:` of a target: `key % modulo` in inclusive ranges, plus per-user overrides.
struct RoutingReader {
    let reader: NodeReader

    /// The rule, and every unit name it uses with its node (to check them against `units:`).
    func routing(_ node: Node) -> (rule: RoutingRule, unitNodes: [(String, Node)])? {
        let r = reader
        guard let fields = r.mapping(node, path: "routing", shape: TargetFormat.routing) else { return nil }
        let key = fields["key"].flatMap { r.text($0) }
        let moduloValue = fields["modulo"].flatMap { r.integer($0, in: InputLimits.modulo, what: "a modulo") }
        let modulo = moduloValue ?? (fields["modulo"] == nil ? 10000 : nil)
        var unitNodes: [(String, Node)] = []
        var ranges: [RouteRange] = []
        if let rangesNode = fields["ranges"], let items = r.list(rangesNode, path: "routing.ranges", nonEmpty: true) {
            for (index, item) in items.enumerated() {
                guard let range = range(item, path: "routing.ranges[\(index)]", modulo: modulo) else { continue }
                ranges.append(range.range)
                unitNodes.append((range.range.unit, range.unitNode))
            }
        }
        var overrides: [Int: String] = [:]
        if let overridesNode = fields["overrides"], let entries = r.anyMapping(overridesNode, path: "routing.overrides")
        {
            for (text, keyNode) in entries.keys {
                let ids = InputLimits.userIds
                guard let id = Int(text), ids.contains(id) else {
                    r.error(
                        "expected a user id between \(ids.lowerBound) and \(ids.upperBound), found '\(text)'",
                        at: keyNode)
                    continue
                }
                guard let unitNode = entries[text], let unit = r.text(unitNode) else { continue }
                overrides[id] = unit
                unitNodes.append((unit, unitNode))
            }
        }
        let rule = RoutingRule(key: key ?? "userId", modulo: modulo ?? 10000, ranges: ranges, overrides: overrides)
        return (rule, unitNodes)
    }

    /// `{ from: 0, to: 4999, unit: hangzhou }` with `0 <= from <= to < modulo`.
    private func range(_ node: Node, path: String, modulo: Int?) -> (range: RouteRange, unitNode: Node)? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.range) else { return nil }
        let slots = 0...(InputLimits.modulo.upperBound - 1)
        let from = fields["from"].flatMap { r.integer($0, in: slots, what: "a routing slot") }
        let to = fields["to"].flatMap { r.integer($0, in: slots, what: "a routing slot") }
        let unit = fields["unit"].flatMap { r.text($0) }
        if let to, let modulo, to >= modulo, let toNode = fields["to"] {
            r.error("'to' (\(to)) must be less than the modulo (\(modulo))", at: toNode)
        }
        if let from, let to, from > to, let fromNode = fields["from"] {
            r.error("'from' (\(from)) must not be greater than 'to' (\(to))", at: fromNode)
        }
        guard let from, let to, let unit, let unitNode = fields["unit"] else { return nil }
        return (RouteRange(from: from, to: to, unit: unit), unitNode)
    }
}
