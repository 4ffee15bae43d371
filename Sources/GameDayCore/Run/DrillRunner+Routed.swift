extension DrillRunner {
    /// Why the preflight refuses a user whose probe was served by `sample.unit` when the routing rule
    /// sends it to `expected`. A probe taken with `requiresUnit` says in its failure why it has no unit.
    func misrouted(_ user: TestUser, _ sample: ProbeSample, expected: String?) -> String {
        let routed = "the routing rule sends it to \(expected ?? "no unit")"
        guard let unit = sample.unit else {
            let source = drill.probe.unitFrom
            return "user \(user.id)'s answer names no unit (\(sample.failure ?? "no unit")), but \(routed): "
                + "the probe reads the unit from \(source); if the gateway names it elsewhere, say where in the "
                + "drill's probe.unit_from ({ header: NAME } or { body: /json/pointer })"
        }
        return "user \(user.id) is served by \(unit), but \(routed): "
            + "a cut-over from an earlier drill may still be in place (cut back first), or the target's routing is not the live one"
    }
}
