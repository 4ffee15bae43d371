import Yams

// MARK: - Users and faults

extension DrillReader {
    /// `users:` — a non-empty list of test users with distinct ids.
    func users(_ node: Node, sections: (cutover: Bool, recovery: Bool)) -> [TestUser]? {
        let r = reader
        guard let items = r.list(node, path: "users", nonEmpty: true) else { return nil }
        var users: [TestUser] = []
        var firstLine: [Int: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "users[\(index)]"
            guard let fields = r.mapping(item, path: path, shape: DrillFormat.user) else { continue }
            let id = fields["id"].flatMap { r.integer($0, in: 0...Int.max, what: "a user id") }
            let name = fields["name"].flatMap { r.text($0) }
            let home = fields["home"].flatMap { r.text($0) }
            let impact = fields["impact"].flatMap { node in
                r.choice(node, what: "impact", options: ImpactExpectation.allCases.map { ($0.rawValue, $0) })
            }
            let recoversOn = fields["recovers_on"].flatMap { r.text($0) }
            if let node = fields["recovers_on"], !sections.cutover || !sections.recovery {
                let missing = [sections.cutover ? nil : "'cutover:'", sections.recovery ? nil : "'recovery:'"]
                    .compactMap { $0 }.joined(separator: " and ")
                r.error(
                    "'recovers_on' needs \(missing) in the drill, to move the user and measure its recovery", at: node)
            }
            guard let id, let idNode = fields["id"] else { continue }
            if let line = firstLine[id] {
                r.error("duplicate user id \(id); first listed at line \(line)", at: idNode)
                continue
            }
            firstLine[id] = r.location(of: idNode).line
            users.append(
                TestUser(
                    id: id, name: name, home: home, impact: impact ?? .none, recoversOn: recoversOn,
                    location: r.location(of: item)))
        }
        return users
    }

    /// `faults:` — a non-empty list of faults with distinct names, all on one unit.
    func faults(_ node: Node) -> [FaultSpec]? {
        let r = reader
        guard let items = r.list(node, path: "faults", nonEmpty: true) else { return nil }
        var faults: [FaultSpec] = []
        var firstLine: [String: Int] = [:]
        var firstUnit: (unit: String, fault: String)?
        for (index, item) in items.enumerated() {
            guard let fields = r.mapping(item, path: "faults[\(index)]", shape: DrillFormat.fault) else { continue }
            let name = fields["name"].flatMap { r.text($0) }
            let kind = fields["kind"].flatMap { node in
                r.choice(node, what: "fault kind", options: DrillFormat.faultKinds.map { ($0, $0) })
            }
            let unit = fields["unit"].flatMap { r.text($0) }
            let service = fields["service"].flatMap { r.text($0) }
            let signal = fields["signal"].flatMap { self.signal($0) }
            let restart = fields["restart"].flatMap { r.bool($0) }
            if let name, let nameNode = fields["name"] {
                if let line = firstLine[name] {
                    r.error("duplicate fault name '\(name)'; first used at line \(line)", at: nameNode)
                } else {
                    firstLine[name] = r.location(of: nameNode).line
                }
            }
            if let unit, let unitNode = fields["unit"] {
                if let first = firstUnit, first.unit != unit {
                    let message =
                        "all faults of a drill hit one unit: fault '\(first.fault)' hits '\(first.unit)', this one hits '\(unit)'"
                    r.error(message, at: unitNode)
                } else if firstUnit == nil {
                    firstUnit = (unit, name ?? "faults[\(index)]")
                }
            }
            guard let name, kind != nil, let unit, let service, let signal = signal ?? SignalName("KILL") else {
                continue
            }
            let action = FaultAction.killProcess(signal: signal, restart: restart ?? true)
            faults.append(
                FaultSpec(name: name, unit: unit, service: service, action: action, location: r.location(of: item)))
        }
        return faults
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
}
