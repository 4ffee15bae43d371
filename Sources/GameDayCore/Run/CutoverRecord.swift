/// What happened to one cut-over (or cut-back) request.
public struct CutoverRecord: Sendable, Hashable {
    public struct Observation: Sendable, Hashable {
        public var at: Duration
        public var state: String
    }

    /// The request as sent, secrets redacted.
    public var request: RequestRecord?
    /// The command as run, secrets redacted, with its output when it failed.
    public var command: CommandRecord?
    /// The last status command run while following the task (`poll.command`).
    public var pollCommand: CommandRecord?
    public var status: Int?
    public var id: String?
    /// When the request was sent.
    public var startedAt: Duration?
    /// When the control plane was seen to report done.
    public var doneAt: Duration?
    /// Every state change seen while polling.
    public var states: [Observation] = []
    public var succeeded = false
    /// Why it did not succeed, in words an SRE can act on.
    public var error: String?
    /// The run was interrupted (Ctrl-C, SIGTERM) before the control plane's last word.
    public var interrupted = false
    /// The control plane's task reached a final state (done or failed), or there was no task to follow.
    public var finished = false
    /// Why it was not sent although the drill asked for it (a cut-back withheld from an unhealthy unit).
    public var withheld: String?

    /// A stepwise cut-over's steps, in order (empty for the short form, whose one call the
    /// fields above describe); the fields above then sum them up.
    public var steps: [CutoverStepRecord] = []

    public init() {}

    /// Whether anything may have moved: the control plane accepted the request (whatever its task
    /// did later), or the request went out and no answer said otherwise (a timeout, no connection
    /// after sending, an interrupt). A refusal (401, 500, a status not accepted) moved nothing.
    public func mayHaveMoved(accepting accept: [Int]) -> Bool {
        guard startedAt != nil else { return false }
        guard let status else { return true }
        return accept.contains(status)
    }

    /// Whether anything may have moved under `spec`: for a stepwise one, whether a step that may
    /// have moved something was not undone.
    public func mayHaveMoved(_ spec: CutoverSpec) -> Bool {
        guard spec.stepwise else { return mayHaveMoved(accepting: spec.single?.accept ?? []) }
        return zip(steps, spec.steps).contains { record, step in
            record.call.mayHaveMoved(accepting: step.action.accept) && record.undo?.succeeded != true
        }
    }
}

/// What happened to one step of a stepwise cut-over, and to its undo.
public struct CutoverStepRecord: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// It completed and stays.
        case done
        /// It did not complete: the cut-over failed here.
        case failed
        /// It completed, and was undone when a later step failed.
        case undone
        /// It completed, a later step failed, and its undo failed: what it did stays.
        case undoFailed = "undo_failed"
        /// It completed, a later step failed, and it names no `undo:`: what it did stays.
        case notUndone = "not_undone"
        /// An earlier step failed, so it was never run.
        case notRun = "not_run"
    }

    public var name: String
    public var outcome: Outcome
    public var call: CutoverRecord
    public var undo: CutoverRecord?

    public init(name: String, outcome: Outcome, call: CutoverRecord = CutoverRecord(), undo: CutoverRecord? = nil) {
        self.name = name
        self.outcome = outcome
        self.call = call
        self.undo = undo
    }
}
