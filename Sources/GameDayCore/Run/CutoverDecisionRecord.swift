/// How the decision to cut over went (`decision` in result.json): present when the drill's trigger
/// is `prompt` or `external` and the run reached the decide phase.
public struct CutoverDecisionRecord: Sendable, Hashable, Codable {
    /// What ended the wait.
    public enum Answer: String, Sendable, Hashable, Codable {
        /// Cut over.
        case go
        /// Declined: the run was aborted and every fault reverted.
        case abort
        /// No answer within the trigger's timeout: aborted as well.
        case timeout
        /// The run stopped while waiting (Ctrl-C, SIGTERM, a breached blast radius).
        case stopped
    }

    /// `prompt` or `external`.
    public var trigger: String
    public var answer: Answer
    /// Who answered; nil without an answer (timeout, stopped).
    public var decidedBy: CutoverDecider?
    /// How the answer came: `the terminal`, `--assume-yes`, `file …`, `POST http://127.0.0.1:…/cutover`.
    public var via: String?
    /// Who answered, when the answer named someone.
    public var who: String?
    /// When the question was asked (the decide phase began) and answered, from the run's start.
    public var askedMs: Double
    public var answeredMs: Double?
    /// How long the run waited: answered (or the end of the wait) - asked.
    public var waitedMs: Double
    /// The trigger's timeout.
    public var timeoutMs: Double

    public init(
        trigger: String, answer: Answer, decidedBy: CutoverDecider?, via: String?, who: String?, askedMs: Double,
        answeredMs: Double?, waitedMs: Double, timeoutMs: Double
    ) {
        self.trigger = trigger
        self.answer = answer
        self.decidedBy = decidedBy
        self.via = via
        self.who = who
        self.askedMs = askedMs
        self.answeredMs = answeredMs
        self.waitedMs = waitedMs
        self.timeoutMs = timeoutMs
    }

    enum CodingKeys: String, CodingKey {
        case trigger, answer, decidedBy = "decided_by", via, who, askedMs = "asked_ms", answeredMs = "answered_ms",
            waitedMs = "waited_ms", timeoutMs = "timeout_ms"
    }
}
