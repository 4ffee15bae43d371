import Yams

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
}
