/// The users a verdict speaks of, by user group, in words that stay short whatever the number of
/// users: `user 6000` for a group of one, `10 of 10 users of beijing-sample` for a larger one, a few
/// keys named and a few groups listed, the rest counted (result.json lists every user).
struct GroupedUsers {
    /// Groups a message lists before counting the rest.
    static let shownGroups = 4
    /// Users a group's words name before counting the rest.
    static let shownUsers = 3

    /// Some of the users of one group.
    struct Part {
        /// The group's name (a listed user's own name when it names no `group:`).
        var group: String
        /// How many users of the group the verdict considers.
        var of: Int
        /// The users it speaks of, in the drill's order.
        var users: [TestUser]

        /// `user 6000`, or `3 of 10 users of beijing-sample`.
        var who: String { of == 1 ? "user \(users[0].id)" : "\(users.count) of \(of) users of \(group)" }

        /// `who`, naming the first few users of a larger group: `3 of 10 users of beijing-sample (5250,
        /// 5750, 6250)`.
        var named: String { of == 1 ? who : "\(who) (\(GroupedUsers.keys(users)))" }
    }

    /// Every considered user, per group in the drill's order.
    let groups: [Part]

    init(_ users: [TestUser]) {
        var groups: [Part] = []
        var index: [String: Int] = [:]
        for user in users {
            let name = user.groupName
            if let position = index[name] {
                groups[position].users.append(user)
            } else {
                index[name] = groups.count
                groups.append(Part(group: name, of: 0, users: [user]))
            }
        }
        self.groups = groups.map { Part(group: $0.group, of: $0.users.count, users: $0.users) }
    }

    /// Per group, the users `include` picks; groups with none are left out.
    func parts(_ include: (TestUser) -> Bool) -> [Part] {
        groups.compactMap { group in
            let picked = group.users.filter(include)
            return picked.isEmpty ? nil : Part(group: group.group, of: group.of, users: picked)
        }
    }

    /// `5250, 5750, 6250 and 7 more`: the first keys of `users`, the rest counted.
    static func keys(_ users: [TestUser], shown: Int = shownUsers) -> String {
        let names = users.prefix(shown).map(\.id).joined(separator: ", ")
        return users.count > shown ? "\(names) and \(users.count - shown) more" : names
    }

    /// The phrases, each about some users, joined by `separator`; past `shownGroups` the rest are
    /// counted: `…, and 12 more groups (480 users)`.
    static func list(_ phrases: [(text: String, users: Int)], separator: String = ", ") -> String {
        guard phrases.count > shownGroups else { return phrases.map(\.text).joined(separator: separator) }
        let rest = phrases.dropFirst(shownGroups)
        let users = rest.reduce(0) { $0 + $1.users }
        return phrases.prefix(shownGroups).map(\.text).joined(separator: separator)
            + "\(separator)and \(rest.count) more group(s) (\(users) user(s))"
    }

    /// `+1376ms`, or `+1376ms to +1466ms` when the moments differ.
    static func span(_ moments: [Duration]) -> String {
        guard let first = moments.min(), let last = moments.max() else { return "-" }
        let from = DrillRunner.ms(first)
        let to = DrillRunner.ms(last)
        return from == to ? from : "\(from) to \(to)"
    }
}
