import GameDayCore

/// The gateway's current routing rule. Rules arrive from two directions (the control plane's push
/// and the gateway's own polling), so a rule is applied only when its version is newer.
actor RoutingTable {
    private(set) var document: RuleDocument?

    /// Applies `candidate` when it is newer than the current rule; returns whether it did.
    @discardableResult
    func apply(_ candidate: RuleDocument) -> Bool {
        if let document, document.version >= candidate.version { return false }
        let previous = document?.version
        document = candidate
        LabLog.line(
            "rule version \(candidate.version) applied (was \(previous.map(String.init) ?? "none")): \(summary(candidate.rule))"
        )
        return true
    }

    /// The unit for `userId` under the current rule, or nil before a rule has been loaded.
    func unit(for userId: Int) -> String? {
        document?.rule.unit(for: userId)
    }

    private func summary(_ rule: RoutingRule) -> String {
        let ranges = rule.ranges.map { "\($0.from)~\($0.to)→\($0.unit)" }
        let overrides = rule.overrides.keys.sorted().map { "\($0)→\(rule.overrides[$0]!)" }
        return (ranges + overrides).joined(separator: " ")
    }
}
