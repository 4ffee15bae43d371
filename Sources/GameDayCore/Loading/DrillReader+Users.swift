import Yams

extension DrillReader {
    /// `users:` — a non-empty list of test users with distinct ids, and of generated user groups.
    func users(_ node: Node, sections: (cutover: Bool, recovery: Bool)) -> (users: [TestUser], groups: [UserGroupSpec])?
    {
        let r = reader
        guard let items = r.list(node, path: "users", nonEmpty: true) else { return nil }
        var users: [TestUser] = []
        var groups: [UserGroupSpec] = []
        var firstLine: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "users[\(index)]"
            guard let fields = r.mapping(item, path: path, shape: DrillFormat.user) else { continue }
            let id = fields["id"].flatMap { r.routingKey($0) }
            let name = fields["name"].flatMap { r.text($0) }
            let home = fields["home"].flatMap { r.text($0) }
            let impact = fields["impact"].flatMap { node in
                r.choice(node, what: "impact", options: ImpactExpectation.allCases.map { ($0.rawValue, $0) })
            }
            let recoversOn = fields["recovers_on"].flatMap { r.text($0) }
            let group = fields["group"].flatMap { r.text($0) }
            if let node = fields["recovers_on"], !sections.cutover || !sections.recovery {
                let missing = [sections.cutover ? nil : "'cutover:'", sections.recovery ? nil : "'recovery:'"]
                    .compactMap { $0 }.joined(separator: " and ")
                r.error(
                    "'recovers_on' needs \(missing) in the drill, to move the user and measure its recovery", at: node)
            }
            if fields["generate"] != nil || fields["unit"] != nil || fields["per"] != nil {
                if let node = fields["group"] {
                    r.error("'group' names the group of a listed user; a generated group is named by 'name'", at: node)
                }
                if let group = self.group(
                    fields, item: item, path: path, name: name, impact: impact, recoversOn: recoversOn)
                {
                    groups.append(group)
                }
                continue
            }
            if fields["id"] == nil {
                r.error("missing required key 'id' in \(r.describe(path: path))", at: item)
            }
            guard let id, let idNode = fields["id"] else { continue }
            if let line = firstLine[id] {
                r.error("duplicate user id \(id); first listed at line \(line)", at: idNode)
                continue
            }
            firstLine[id] = r.location(of: idNode).line
            users.append(
                TestUser(
                    id: id, name: name, home: home, impact: impact ?? .none, recoversOn: recoversOn, group: group,
                    location: r.location(of: item)))
        }
        return (users, groups)
    }

    /// `{ generate: 20, unit: beijing, ... }`: a group of users generated from the routing rule.
    private func group(
        _ fields: MappingFields, item: Node, path: String, name: String?, impact: ImpactExpectation?,
        recoversOn: String?
    ) -> UserGroupSpec? {
        let r = reader
        for key in ["id", "home"] where fields[key] != nil {
            if let node = fields[key] {
                r.error(
                    "'\(key)' names one user; a generated group ('generate:') takes 'unit' instead", at: node)
            }
        }
        let spread = fields["per"].flatMap { node in
            r.choice(node, what: "'per'", options: UserGroupSpec.Spread.allCases.map { ($0.rawValue, $0) })
        }
        if fields["generate"] == nil {
            r.error("missing required key 'generate' in \(r.describe(path: path))", at: item)
        }
        if fields["unit"] == nil, spread != .fallback {
            r.error("missing required key 'unit' in \(r.describe(path: path))", at: item)
        }
        if let node = fields["unit"], spread == .fallback {
            r.error("'per: fallback' generates the keys no entry takes, whatever unit; drop 'unit'", at: node)
        }
        let prefix = fields["key_prefix"].flatMap { r.routingKey($0) }
        let count = fields["generate"].flatMap { r.integer($0, in: 1...1000, what: "a number of users (1 to 1000)") }
        let unit = fields["unit"].flatMap({ r.text($0) })
        guard let count, unit != nil || spread == .fallback, fields["per"] == nil || spread != nil else { return nil }
        return UserGroupSpec(
            count: count, unit: unit, spread: spread ?? .unit, name: name, keyPrefix: prefix ?? "u",
            impact: impact ?? .none, recoversOn: recoversOn, location: r.location(of: item))
    }
}
