import Yams

/// Reads `routing:` of a target: the model (modulo, hash, geo, regex, business), its entries
/// (slot ranges, fences, match rules), the fallback, the shard table and per-key overrides, and
/// checks that the rule is whole: no overlapping or uncovered ranges, no shard without a unit, no
/// self-intersecting or overlapping fences, no regex that does not compile.
struct RoutingReader {
    let reader: NodeReader

    /// The rule, every unit name it uses with its node (to check them against `units:`), and the
    /// preflight's number of keys to sample per cell.
    func routing(_ node: Node) -> (rule: RoutingRule, unitNodes: [(String, Node)], sample: Int)? {
        let r = reader
        guard let fields = r.mapping(node, path: "routing", shape: TargetFormat.routing) else { return nil }
        var state = State()
        let model = self.model(fields) ?? .modulo
        let key = fields["key"].flatMap { r.text($0) } ?? "userId"
        let moduloValue = fields["modulo"].flatMap { r.integer($0, in: InputLimits.modulo, what: "a modulo") }
        let modulo = moduloValue ?? (fields["modulo"] == nil ? (model == .modulo ? 10000 : nil) : nil)
        let sample = fields["sample"].flatMap { r.integer($0, in: 0...100, what: "a number of keys per shard") } ?? 3
        requireOnly(fields, model: model)

        var rule = RoutingRule(key: key, model: model, modulo: modulo ?? 10000)
        var rangesReadable = true
        if let node = fields["ranges"], let items = r.list(node, path: "routing.ranges", nonEmpty: true) {
            rangesReadable = false
            for (index, item) in items.enumerated() {
                guard let range = range(item, path: "routing.ranges[\(index)]", modulo: modulo, state: &state)
                else { continue }
                rule.ranges.append(range)
            }
            rangesReadable = rule.ranges.count == items.count
        }
        if let node = fields["fences"], let items = r.list(node, path: "routing.fences", nonEmpty: true) {
            for (index, item) in items.enumerated() {
                guard let fence = fence(item, path: "routing.fences[\(index)]", state: &state) else { continue }
                rule.fences.append(fence)
            }
            checkFences(rule.fences, state: state)
        }
        if let node = fields["rules"], let items = r.list(node, path: "routing.rules", nonEmpty: true) {
            for (index, item) in items.enumerated() {
                guard let match = match(item, path: "routing.rules[\(index)]", state: &state) else { continue }
                rule.matches.append(match)
            }
        }
        if let node = fields["default"] { rule.fallback = destination(node, path: "routing.default", state: &state) }
        if let node = fields["shards"] { readShardTable(node, into: &rule, state: &state) }
        addFenceUnits(to: &rule, state: state)
        if let node = fields["overrides"] { rule.overrides = overrides(node, model: model, state: &state) }
        // Coverage is judged on a rule whose every range could be read; else the gaps are echoes.
        if modulo != nil, rangesReadable, model == .modulo || model.isHash {
            checkCoverage(rule, at: fields["ranges"] ?? node, state: state)
        }
        checkShards(rule, state: state)
        return (rule, state.unitNodes, sample)
    }

    /// What the reading collects besides the rule: where each unit, shard and entry was written.
    struct State {
        var unitNodes: [(String, Node)] = []
        var shardNodes: [(String, Node)] = []
        var rangeNodes: [Node] = []
        var fenceNodes: [Node] = []
        var fenceShardUnits: [String: (String, Node)] = [:]
    }

    // MARK: - Model

    private func model(_ fields: MappingFields) -> RoutingModel? {
        let r = reader
        let name = fields["model"].flatMap {
            r.choice(
                $0, what: "routing model",
                options: [
                    ("modulo", "modulo"), ("hash", "hash"), ("geo", "geo"), ("regex", "regex"),
                    ("business", "business"),
                ])
        }
        switch name ?? (fields["model"] == nil ? "modulo" : nil) {
        case "modulo": return .modulo
        case "hash":
            let hash = fields["hash"].flatMap {
                r.choice($0, what: "hash", options: KeyHash.allCases.map { ($0.rawValue, $0) })
            }
            return .hash(hash ?? .crc32)
        case "geo": return .geo
        case "regex": return .match(business: false)
        case "business": return .match(business: true)
        default: return nil
        }
    }

    /// Each model has its entries: `ranges` for modulo and hash, `fences` for geo, `rules` for
    /// regex and business; `hash` only for hash.
    private func requireOnly(_ fields: MappingFields, model: RoutingModel) {
        let r = reader
        let wanted: String
        switch model {
        case .modulo, .hash: wanted = "ranges"
        case .geo: wanted = "fences"
        case .match: wanted = "rules"
        }
        for entries in ["ranges", "fences", "rules"] where entries != wanted {
            if let node = fields[entries] {
                r.error("'\(entries)' does not belong to a \(model) rule; it takes '\(wanted)'", at: node)
            }
        }
        if fields[wanted] == nil {
            r.error(
                "missing required key '\(wanted)' in 'routing' (model \(model))", at: fields["model"] ?? keyNode(fields)
            )
        }
        if let node = fields["hash"], !model.isHash {
            r.error("'hash' belongs to 'model: hash'", at: node)
        }
        if let node = fields["modulo"], !(model == .modulo || model.isHash) {
            r.error("'modulo' belongs to 'model: modulo' or 'model: hash'", at: node)
        }
        if model.isHash, fields["modulo"] == nil {
            r.error("missing required key 'modulo' in 'routing': the number of hash slots", at: keyNode(fields))
        }
    }

    private func keyNode(_ fields: MappingFields) -> Node { fields.keys.first?.1 ?? Node("routing") }

    // MARK: - Entries

    /// `{ from: 0, to: 4999, unit: hangzhou }` or `shard: s1`, with `0 <= from <= to < modulo`.
    private func range(_ node: Node, path: String, modulo: Int?, state: inout State) -> RouteRange? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.range) else { return nil }
        let slots = 0...(InputLimits.modulo.upperBound - 1)
        let from = fields["from"].flatMap { r.integer($0, in: slots, what: "a routing slot") }
        let to = fields["to"].flatMap { r.integer($0, in: slots, what: "a routing slot") }
        if let to, let modulo, to >= modulo, let toNode = fields["to"] {
            r.error("'to' (\(to)) must be less than the modulo (\(modulo))", at: toNode)
        }
        if let from, let to, from > to, let fromNode = fields["from"] {
            r.error("'from' (\(from)) must not be greater than 'to' (\(to))", at: fromNode)
        }
        let destination = self.destination(fields, at: node, path: path, state: &state)
        guard let from, let to, let destination, from <= to, to < (modulo ?? Int.max) else { return nil }
        state.rangeNodes.append(node)
        return RouteRange(from: from, to: to, destination: destination)
    }

    /// `{ name: guangdong, polygon: [[23.1, 113.2], ...], unit: shenzhen }`: a fence is a shard of
    /// its name; `unit:` puts that shard in the shard table.
    private func fence(_ node: Node, path: String, state: inout State) -> GeoFence? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.fence) else { return nil }
        let name = fields["name"].flatMap { r.text($0) }
        var points: [GeoPoint] = []
        var readable = true
        if let polygonNode = fields["polygon"], let items = r.list(polygonNode, path: "\(path).polygon") {
            if items.count < 3 {
                r.error("a fence needs at least 3 corners, found \(items.count)", at: polygonNode)
                readable = false
            }
            for item in items {
                guard let point = point(item) else {
                    readable = false
                    continue
                }
                points.append(point)
            }
        } else {
            readable = false
        }
        if let name, let nameNode = fields["name"] {
            if state.shardNodes.contains(where: { $0.0 == name }) {
                r.error("duplicate fence '\(name)'", at: nameNode)
            }
            state.shardNodes.append((name, nameNode))
            if let unitNode = fields["unit"], let unit = r.text(unitNode) {
                state.unitNodes.append((unit, unitNode))
                state.fenceShardUnits[name] = (unit, unitNode)
            }
        }
        guard let name, readable else { return nil }
        let fence = GeoFence(name: name, polygon: points)
        if let (a, b) = fence.selfIntersection {
            r.error(
                "fence '\(name)' crosses itself: its edges from corner \(a + 1) and from corner \(b + 1) meet",
                at: node)
            return nil
        }
        state.fenceNodes.append(node)
        return fence
    }

    /// `[lat, lng]` in degrees.
    private func point(_ node: Node) -> GeoPoint? {
        let r = reader
        guard case .sequence(let sequence) = node, sequence.count == 2 else {
            r.error("expected a corner [lat, lng], found \(r.describe(node))", at: node)
            return nil
        }
        let lat = r.number(sequence[0], in: -90...90, what: "a latitude")
        let lng = r.number(sequence[1], in: -180...180, what: "a longitude")
        guard let lat, let lng else { return nil }
        return GeoPoint(lat: lat, lng: lng)
    }

    /// Fences must not overlap (sharing a border is how provinces meet, and allowed).
    private func checkFences(_ fences: [GeoFence], state: State) {
        guard fences.count == state.fenceNodes.count else { return }
        for j in fences.indices {
            for i in 0..<j where fences[i].overlaps(fences[j]) {
                reader.error(
                    "fence '\(fences[j].name)' overlaps fence '\(fences[i].name)'; fences may share borders, "
                        + "not area", at: state.fenceNodes[j])
                break
            }
        }
    }

    /// `{ match: "~([5-9][0-9]{3})$", unit: beijing }`, `{ prefix: /pay, unit: … }`, `{ suffix: "9", shard: … }`.
    private func match(_ node: Node, path: String, state: inout State) -> KeyMatch? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.matchRule) else { return nil }
        let given = ["match", "prefix", "suffix"].filter { fields[$0] != nil }
        guard given.count == 1, let patternNode = fields[given[0]], let text = r.text(patternNode) else {
            if given.count != 1 {
                r.error("\(r.describe(path: path)) takes exactly one of 'match', 'prefix' or 'suffix'", at: node)
            }
            _ = destination(fields, at: node, path: path, state: &state)
            return nil
        }
        let pattern: KeyPattern
        switch given[0] {
        case "prefix": pattern = .prefix(text)
        case "suffix": pattern = .suffix(text)
        default: pattern = KeyPattern(nginx: text)
        }
        if case .regex(let expression, let caseInsensitive) = pattern,
            case .failure = CompiledPattern.compile(expression, caseInsensitive: caseInsensitive)
        {
            r.error("regular expression '\(expression)' does not compile", at: patternNode)
            return nil
        }
        guard let destination = destination(fields, at: node, path: path, state: &state) else { return nil }
        return KeyMatch(pattern: pattern, destination: destination)
    }

    // MARK: - Destinations

    /// `unit: beijing` or `shard: s3`, exactly one.
    private func destination(_ fields: MappingFields, at node: Node, path: String, state: inout State)
        -> RouteDestination?
    {
        let r = reader
        switch (fields["unit"], fields["shard"]) {
        case (let unitNode?, nil):
            guard let unit = r.text(unitNode) else { return nil }
            state.unitNodes.append((unit, unitNode))
            return .unit(unit)
        case (nil, let shardNode?):
            guard let shard = r.text(shardNode) else { return nil }
            state.shardNodes.append((shard, shardNode))
            return .shard(shard)
        case (.some, .some):
            r.error("\(r.describe(path: path)) takes one of 'unit' or 'shard', found both", at: node)
        case (nil, nil):
            r.error("\(r.describe(path: path)) needs 'unit: NAME' or 'shard: NAME'", at: node)
        }
        return nil
    }

    /// `default: hangzhou`, `default: { unit: hangzhou }` or `default: { shard: elsewhere }`.
    private func destination(_ node: Node, path: String, state: inout State) -> RouteDestination? {
        let r = reader
        if case .scalar = node {
            guard let unit = r.text(node) else { return nil }
            state.unitNodes.append((unit, node))
            return .unit(unit)
        }
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.destination) else { return nil }
        return destination(fields, at: node, path: path, state: &state)
    }

    /// `shards: { s0: beijing, s1: hangzhou }`.
    private func readShardTable(_ node: Node, into rule: inout RoutingRule, state: inout State) {
        let r = reader
        guard let entries = r.anyMapping(node, path: "routing.shards") else { return }
        for (shard, keyNode) in entries.keys {
            guard let unitNode = entries[shard], let unit = r.text(unitNode) else { continue }
            rule.shards[shard] = unit
            state.unitNodes.append((unit, unitNode))
            if !state.shardNodes.contains(where: { $0.0 == shard }) {
                r.error("shard '\(shard)' of the shard table is not named by any \(entryWord(rule.model))", at: keyNode)
            }
        }
    }

    private func entryWord(_ model: RoutingModel) -> String {
        switch model {
        case .modulo, .hash: "range"
        case .geo: "fence"
        case .match: "rule"
        }
    }

    /// A fence's `unit:` puts its shard in the table; where the table names it too, they agree.
    private func addFenceUnits(to rule: inout RoutingRule, state: State) {
        for (fence, (unit, node)) in state.fenceShardUnits.sorted(by: { $0.key < $1.key }) {
            if let table = rule.shards[fence], table != unit {
                reader.error("fence '\(fence)' says unit '\(unit)' but the shard table says '\(table)'", at: node)
            }
            rule.shards[fence] = unit
        }
    }

    /// Every shard an entry names has a unit.
    private func checkShards(_ rule: RoutingRule, state: State) {
        var reported: Set<String> = []
        for (shard, node) in state.shardNodes where rule.shards[shard] == nil && reported.insert(shard).inserted {
            reader.error(
                "shard '\(shard)' has no unit: add it to 'routing.shards' (\(shard): UNIT)"
                    + (rule.model == .geo ? " or give the fence a 'unit:'" : ""), at: node)
        }
    }

    /// Ranges must not overlap, and every slot must be in one unless there is a `default:`.
    private func checkCoverage(_ rule: RoutingRule, at node: Node, state: State) {
        guard rule.ranges.count == state.rangeNodes.count else { return }
        let order = rule.ranges.indices.sorted { rule.ranges[$0].from < rule.ranges[$1].from }
        var covered = -1
        var gaps: [String] = []
        var previous: Int?
        for index in order {
            let range = rule.ranges[index]
            if let previous, range.from <= covered {
                let other = rule.ranges[previous]
                reader.error(
                    "range \(range.from)~\(range.to) overlaps range \(other.from)~\(other.to)",
                    at: state.rangeNodes[max(index, previous)])
            }
            if range.from > covered + 1 { gaps.append(Self.span(covered + 1, range.from - 1)) }
            if range.to > covered {
                covered = range.to
                previous = index
            }
        }
        if covered < rule.modulo - 1 { gaps.append(Self.span(covered + 1, rule.modulo - 1)) }
        if !gaps.isEmpty, rule.fallback == nil {
            reader.error(
                "slots \(gaps.joined(separator: ", ")) are in no range: cover 0~\(rule.modulo - 1) or give 'default:'",
                at: node)
        }
    }

    private static func span(_ from: Int, _ to: Int) -> String { from == to ? "\(from)" : "\(from)~\(to)" }

    // MARK: - Overrides

    /// `overrides: { "6000": hangzhou }`: integer keys under the modulo model, any text otherwise.
    private func overrides(_ node: Node, model: RoutingModel, state: inout State) -> [String: String] {
        let r = reader
        guard let entries = r.anyMapping(node, path: "routing.overrides") else { return [:] }
        var overrides: [String: String] = [:]
        for (text, keyNode) in entries.keys {
            if model.integerKeys {
                let ids = InputLimits.userIds
                guard let id = Int(text), ids.contains(id) else {
                    r.error(
                        "expected a user id between \(ids.lowerBound) and \(ids.upperBound), found '\(text)'",
                        at: keyNode)
                    continue
                }
                _ = id
            } else if model == .geo, GeoPoint(parsing: text) == nil {
                r.error("expected a location 'lat,lng' as the key of a geo override, found '\(text)'", at: keyNode)
                continue
            }
            guard let unitNode = entries[text], let unit = r.text(unitNode) else { continue }
            overrides[text] = unit
            state.unitNodes.append((unit, unitNode))
        }
        return overrides
    }
}

extension RoutingModel {
    var isHash: Bool {
        if case .hash = self { return true }
        return false
    }
}
