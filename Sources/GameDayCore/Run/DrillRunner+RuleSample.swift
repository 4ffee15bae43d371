extension DrillRunner {
    /// The most keys the preflight samples, whatever the rule's size: enough to cover every cell of
    /// the shipped rules several times, few enough to take a second or two.
    public static let sampleLimit = 300

    /// Sends `target.keySample` keys of every cell of the routing rule (range, shard, fence, rule
    /// entry, fallback) through the live gateway and compares the unit that served each with the
    /// one the rule names, so a target whose rule is not the live one stops the run before harm.
    /// Returns what was checked, for the preflight's verdict.
    func checkRuleSample(_ prober: Prober) async throws -> String {
        let rule = target.routing
        guard target.keySample > 0 else { return "rule not sampled (routing.sample: 0)" }
        var taken = Set(drill.users.map(\.id))
        var sample: [(key: String, cell: RouteCell)] = []
        for cell in rule.cells {
            for key in rule.keys(in: cell, count: target.keySample, excluding: taken) {
                taken.insert(key)
                sample.append((key, cell))
            }
        }
        let checked = sample.prefix(Self.sampleLimit)
        var wrong: [String] = []
        for (key, cell) in checked {
            try Task.checkCancellation()
            let probe = await prober.probe(TestUser(id: key, name: "sample"), clock: env.clock)
            let expected = rule.unit(for: key)
            guard probe.unit != expected else { continue }
            // The preflight's prober requires a unit: its failure says why an answer named none.
            let served = probe.unit.map { "served by \($0)" } ?? "answered \(probe.failure ?? "nothing") naming no unit"
            wrong.append(
                "\(rule.key) \(key) (\(rule.describe(cell))) is \(served), the rule says \(expected ?? "no unit")")
        }
        guard wrong.isEmpty else {
            let shown = wrong.prefix(5).joined(separator: "; ")
            let more = wrong.count > 5 ? "; and \(wrong.count - 5) more" : ""
            throw RunStop(
                .error,
                "the live gateway does not route as the target's rule says: \(wrong.count) of \(checked.count) sampled "
                    + "keys disagree: \(shown)\(more). The target's routing is not the live one, or a cut-over from "
                    + "an earlier drill is still in place (cut back first)")
        }
        let cells = Set(checked.map { rule.describe($0.cell) }).count
        let capped = sample.count > checked.count ? " (of \(sample.count))" : ""
        return "\(checked.count) sampled keys\(capped) of \(cells) cells routed as the rule says"
    }
}
