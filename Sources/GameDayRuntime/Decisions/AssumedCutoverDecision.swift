import GameDayCore

/// `--assume-yes`: the answer is go, given beforehand on the command line; the result says so
/// (`decision.decided_by: runner`, `via: --assume-yes`).
public struct AssumedCutoverDecision: CutoverDecisionSource {
    private let say: @Sendable (String) -> Void

    public init(say: @escaping @Sendable (String) -> Void) { self.say = say }

    public func prepare(_ trigger: CutoverTrigger) async throws(CutoverDecisionUnavailable) -> String {
        "go, assumed by --assume-yes (nobody is asked)"
    }

    public func decide(_ question: CutoverQuestion) async throws -> CutoverDecision {
        for line in question.lines { say(line) }
        say("cutting over without asking: --assume-yes")
        return CutoverDecision(go: true, decidedBy: .runner, via: "--assume-yes")
    }
}
