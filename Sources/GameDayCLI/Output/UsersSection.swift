import GameDayCore

/// The summary's users section: per user group, what its users went through, in a few lines however
/// many users it has (the first and last to fail and recover, the users that failed most, every user
/// that did not do what the drill expects, named up to a few). A group of one is its user's own line,
/// so a drill of listed users reads as before. `--verbose`, or a result without groups, lists every
/// user.
struct UsersSection {
    let result: RunResult
    let style: TerminalStyle
    let verbose: Bool
    /// Lines about a group are wrapped to it; nil: not wrapped.
    let width: Int?

    /// Groups described before the rest are counted; those not as expected are described first.
    static let shownGroups = 12
    /// Users named on a line before the rest are counted.
    static let shownUsers = 3

    func render() -> [String] {
        guard !result.users.isEmpty else { return [] }
        let records = Dictionary(result.users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let groups = result.groups.map { group in (group, group.users.compactMap { records[$0] }) }
        guard !verbose, !groups.isEmpty, groups.contains(where: { $0.1.count > 1 }) else {
            return ["  users:"] + result.users.map(userLine)
        }
        let shown = Self.pick(groups.map { !isAsExpected($0.1) }, count: Self.shownGroups)
        var lines = ["  users: \(result.users.count) in \(groups.count) group(s) (--verbose lists each)"]
        for (index, (group, users)) in groups.enumerated() where shown.contains(index) {
            lines += users.count == 1 ? [userLine(users[0])] : groupLines(group, users)
        }
        let hidden = groups.indices.filter { !shown.contains($0) }
        if !hidden.isEmpty {
            let users = hidden.reduce(0) { $0 + groups[$1].1.count }
            let unexpected = hidden.count { !isAsExpected(groups[$0].1) }
            lines.append(
                "    … and \(hidden.count) more group(s) (\(users) users), "
                    + (unexpected == 0 ? "as expected" : style.red("\(unexpected) of them not as expected")))
        }
        return lines
    }

    /// The indices of at most `count` groups: those flagged first, then the others, in order.
    static func pick(_ flagged: [Bool], count: Int) -> Set<Int> {
        let first = flagged.indices.filter { flagged[$0] }
        let then = flagged.indices.filter { !flagged[$0] }
        return Set((first + then).prefix(count))
    }

    // MARK: - A group

    /// `beijing-sample: 10 users, home beijing, expected impact fail`, then one line per kind of
    /// story its users had.
    private func groupLines(_ group: GroupRecord, _ users: [UserRecord]) -> [String] {
        var head = "    \(group.name): \(users.count) users"
        let homes = Self.distinct(users.compactMap(\.home))
        if !homes.isEmpty { head += ", home \(homes.joined(separator: ", "))" }
        head += ", expected impact \(group.expectedImpact)"
        var lines = [head]
        let failed = users.filter { $0.firstFailureMs != nil }
        let later = users.filter { $0.firstFailureMs == nil && ($0.failuresSinceFault ?? 0) > 0 }
        let unprobed = users.filter { $0.samples == 0 }
        let never = users.filter { $0.firstFailureMs == nil && ($0.failuresSinceFault ?? 0) == 0 && $0.samples > 0 }
        if !failed.isEmpty { lines += failedLines(failed, of: users.count, group: group) }
        if !never.isEmpty {
            let during = never.reduce(0) { $0 + $1.samplesDuringFault }
            let all = never.reduce(0) { $0 + $1.samples }
            let who = "\(never.count) of \(users.count)"
            let story =
                result.timeline.fault == nil
                ? "\(who) never failed (\(all) probes)"
                : "\(who) never failed while the faults were applied (\(during) probes), nor after (\(all) in all)"
            let expectedToFail = never.filter { $0.expectedImpact == "fail" }
            lines += detail(
                expectedToFail.isEmpty ? story : "\(story), expected to fail: \(keys(expectedToFail))",
                wrong: !expectedToFail.isEmpty)
        }
        if !later.isEmpty {
            let times = later.sorted { ($0.failuresSinceFault ?? 0) > ($1.failuresSinceFault ?? 0) }
                .map { "\($0.id) (\($0.failuresSinceFault ?? 0))" }
            lines += detail(
                "\(later.count) of \(users.count) did not fail while the faults were applied, but did after: "
                    + Self.first(times, shown: Self.shownUsers),
                wrong: later.contains { $0.expectedImpact == "none" })
        }
        if !unprobed.isEmpty {
            lines += detail(
                "\(unprobed.count) of \(users.count) had no probe recorded (the run stopped before the steady state)",
                wrong: false)
        }
        return lines
    }

    /// Those that failed while the faults were applied: when, the most failures, and their recovery.
    private func failedLines(_ failed: [UserRecord], of count: Int, group: GroupRecord) -> [String] {
        let firsts = failed.compactMap(\.firstFailureMs)
        let failures = failed.reduce(0) { $0 + $1.failures }
        let during = failed.reduce(0) { $0 + $1.samplesDuringFault }
        let hurt = failed.filter { $0.expectedImpact == "none" }
        var story = "\(failed.count) of \(count) failed \(span(firsts)) (\(failures)/\(during) probes)"
        if !hurt.isEmpty { story += ", expected none: \(keys(hurt))" }
        let most = failed.sorted { $0.failures > $1.failures }.prefix(Self.shownUsers).map {
            "\($0.id) (\($0.failures)/\($0.samplesDuringFault))"
        }
        story += "; most failures " + most.joined(separator: ", ")
        var lines = detail(story, wrong: !hurt.isEmpty)

        let recovered = failed.filter { $0.recoveredMs != nil }.sorted { $0.recoveredMs! < $1.recoveredMs! }
        if let earliest = recovered.first, let latest = recovered.last {
            let units = Self.distinct(recovered.compactMap(\.servedAfter))
            var text = "\(recovered.count) of \(failed.count) recovered \(span(recovered.compactMap(\.recoveredMs)))"
            if !units.isEmpty { text += " on \(units.joined(separator: ", "))" }
            if recovered.count > 1 { text += ": first \(earliest.id), last \(latest.id)" }
            if let rto = group.rto?.measuredMs { text += "; group RTO \(Summary.ms(rto))" }
            lines += detail(text, wrong: false)
        }
        let waiting = failed.filter { $0.recoveredMs == nil && ($0.expectedImpact == "fail" || $0.recoversOn != nil) }
        if !waiting.isEmpty {
            lines += detail("\(waiting.count) of \(failed.count) did not recover: \(keys(waiting))", wrong: true)
        }
        return lines
    }

    /// Whether every user of a group did what the drill expects of it.
    private func isAsExpected(_ users: [UserRecord]) -> Bool {
        users.allSatisfy { user in
            let failedAtAll = user.firstFailureMs != nil || (user.failuresSinceFault ?? 0) > 0
            switch user.expectedImpact {
            case "fail": return user.firstFailureMs != nil && (user.recoveredMs != nil || result.rto == nil)
            case "none": return !failedAtAll
            default: return user.recoversOn == nil || user.firstFailureMs == nil || user.recoveredMs != nil
            }
        }
    }

    /// A detail line under a group, wrapped, in red when it tells of users not doing what was expected.
    private func detail(_ text: String, wrong: Bool) -> [String] {
        Summary.wrap(text, width: width, indent: "      ", hanging: "        ").map { wrong ? style.red($0) : $0 }
    }

    private func keys(_ users: [UserRecord]) -> String { Self.first(users.map(\.id), shown: Self.shownUsers) }

    /// `from +1.376s to +1.466s`, or `at +1.376s`.
    private func span(_ moments: [Double]) -> String {
        guard let first = moments.min(), let last = moments.max() else { return "" }
        let from = Summary.ms(first)
        let to = Summary.ms(last)
        return from == to ? "at +\(from)" : "from +\(from) to +\(to)"
    }

    static func first(_ names: [String], shown: Int) -> String {
        names.prefix(shown).joined(separator: ", ") + (names.count > shown ? " and \(names.count - shown) more" : "")
    }

    static func distinct(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    // MARK: - A user

    /// `6000 (beijing-user) home beijing, expected impact fail: failed 11/17 probes from +1.405s, …`
    func userLine(_ user: UserRecord) -> String {
        var text = "    \(user.id) (\(user.name)) home \(user.home ?? "-"), expected impact \(user.expectedImpact): "
        if let first = user.firstFailureMs {
            let failed = "failed \(user.failures)/\(user.samplesDuringFault) probes from +\(Summary.ms(first))"
            text += user.expectedImpact == "none" ? style.red(failed) : failed
            if let recovered = user.recoveredMs {
                text += ", recovered at +\(Summary.ms(recovered)) on \(user.servedAfter ?? "-")"
            }
        } else if let later = user.failuresSinceFault, later > 0 {
            let from = user.firstFailureSinceFaultMs.map { " from +\(Summary.ms($0))" } ?? ""
            text +=
                "no failure while the faults were applied, but " + style.red("failed \(later) time(s) after\(from)")
                + " (\(user.samples) probes)"
        } else if result.timeline.fault != nil {
            text +=
                "never failed while the faults were applied (\(user.samplesDuringFault) probes), nor after (\(user.samples) in all)"
        } else if user.samples == 0 {
            text += "no probe recorded (the run stopped before the steady state)"
        } else {
            text += "never failed (\(user.samples) probes)"
        }
        return text
    }
}
