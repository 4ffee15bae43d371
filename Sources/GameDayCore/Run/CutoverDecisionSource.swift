/// Where the decision to cut over comes from when the drill's trigger is `prompt` or `external`:
/// the operator at a terminal, a file, an HTTP call. The runner reads no terminal and opens no
/// socket itself: the CLI hands one in through `RunEnvironment.decisions`.
public protocol CutoverDecisionSource: Sendable {
    /// Checked in preflight, before anything is changed: that a decision can come at all (a
    /// terminal to ask, a port to listen on, no decision file left by an earlier run). Returns
    /// how to answer, in words; throws why no decision can come.
    func prepare(_ trigger: CutoverTrigger) async throws(CutoverDecisionUnavailable) -> String

    /// Shows `question` and waits for the answer. Cancellation (Ctrl-C, the trigger's timeout,
    /// a breached blast radius) ends the wait with `CancellationError`.
    func decide(_ question: CutoverQuestion) async throws -> CutoverDecision

    /// Stops listening once the run is over (a port, a watched file).
    func close() async
}

extension CutoverDecisionSource {
    public func close() async {}
}

/// Why no decision can come: the run stops in preflight with exit 3, nothing applied.
public struct CutoverDecisionUnavailable: Error, Sendable, Hashable {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }
}

/// Who decided that the cut-over starts (`rto.decided_by`, `decision.decided_by`).
public enum CutoverDecider: String, Sendable, Hashable, Codable {
    /// The runner, at once (`trigger: auto`) or told beforehand (`--assume-yes`).
    case runner
    /// A person at the terminal (`trigger: prompt`).
    case `operator`
    /// A file or an HTTP call (`trigger: external`).
    case external
}

/// The answer to a `CutoverQuestion`.
public struct CutoverDecision: Sendable, Hashable {
    /// Go ahead, or abort the run (every fault reverted, as after Ctrl-C).
    public var go: Bool
    public var decidedBy: CutoverDecider
    /// How it came: `the terminal`, `--assume-yes`, `file /srv/go`, `POST http://127.0.0.1:8787/cutover`.
    public var via: String
    /// Who answered, when the answer says (`{"decision": "go", "by": "alice"}`).
    public var who: String?

    public init(go: Bool, decidedBy: CutoverDecider, via: String, who: String? = nil) {
        self.go = go
        self.decidedBy = decidedBy
        self.via = via
        self.who = who
    }
}

/// What the person deciding needs to know once the observe phase has ended: who fails since
/// when, which unit is faulted, what the cut-over will do, and how long they have.
public struct CutoverQuestion: Sendable, Hashable {
    /// A user failing since the first fault.
    public struct FailingUser: Sendable, Hashable {
        public var id: String
        public var name: String
        public var home: String?
        /// Its first failed probe, from the first fault.
        public var since: Duration
        public var failures: Int
        public var samples: Int

        public init(id: String, name: String, home: String?, since: Duration, failures: Int, samples: Int) {
            self.id = id
            self.name = name
            self.home = home
            self.since = since
            self.failures = failures
            self.samples = samples
        }
    }

    public var runId: String
    public var drill: String
    public var trigger: CutoverTrigger
    public var faultedUnit: String?
    /// Failing users, the earliest first.
    public var failing: [FailingUser]
    /// Users that have not failed since the fault.
    public var healthy: Int
    /// What the cut-over sends, secrets redacted: `POST http://…/cutover`, step by step.
    public var actions: [String]
    /// When the question was asked, on the run's clock, and when the first fault took effect.
    public var askedAt: Duration
    public var faultAt: Duration

    public init(
        runId: String, drill: String, trigger: CutoverTrigger, faultedUnit: String?, failing: [FailingUser],
        healthy: Int, actions: [String], askedAt: Duration, faultAt: Duration
    ) {
        self.runId = runId
        self.drill = drill
        self.trigger = trigger
        self.faultedUnit = faultedUnit
        self.failing = failing
        self.healthy = healthy
        self.actions = actions
        self.askedAt = askedAt
        self.faultAt = faultAt
    }

    /// How many failing users `lines` names before counting the rest.
    public static let namedUsers = 10

    /// The question in words, one line each, for a terminal or a log.
    public var lines: [String] {
        var lines = [
            "cut-over decision for run \(runId) (drill \(drill)): the fault on unit \(faultedUnit ?? "-") took "
                + "effect \(DurationText.format(askedAt - faultAt)) ago"
        ]
        if failing.isEmpty {
            lines.append("  no user has failed since the fault")
        } else {
            lines.append("  \(failing.count) user(s) failing, \(healthy) not:")
            for user in failing.prefix(Self.namedUsers) {
                lines.append(
                    "    \(user.id) (\(user.name)), home \(user.home ?? "-"): failing since +"
                        + "\(DurationText.format(user.since)) after the fault, \(user.failures) of \(user.samples) probes"
                )
            }
            if failing.count > Self.namedUsers { lines.append("    and \(failing.count - Self.namedUsers) more") }
        }
        lines.append("  the cut-over will:")
        lines += actions.map { "    \($0)" }
        return lines
    }
}
