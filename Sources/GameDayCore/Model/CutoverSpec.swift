/// Following a cut-over task the control plane answered with (`poll:`).
public struct PollSpec: Sendable, Hashable {
    /// `request:` or `command:` — `{{cutover.id}}` holds the id read from the first answer.
    public var call: ControlPlaneCall
    /// `field: state` — a dotted path into the JSON answer (a request's body, a command's stdout).
    /// A command without it is judged by its exit status: 0 done, `running` still running, else failed.
    public var field: String?
    /// `done: [done]`
    public var done: [String]
    /// `failed: [failed, aborted]`
    public var failed: [String]
    /// `running: [75]` — exit statuses of a poll command without `field` that mean "not yet".
    public var running: [Int32]
    /// `interval: 100ms`
    public var interval: Duration
    /// `timeout: 30s` — a cut-over not done by then has failed.
    public var timeout: Duration

    public init(
        call: ControlPlaneCall, field: String?, done: [String] = ["done"], failed: [String] = ["failed"],
        running: [Int32] = [75], interval: Duration = .milliseconds(100), timeout: Duration = .seconds(30)
    ) {
        self.call = call
        self.field = field
        self.done = done
        self.failed = failed
        self.running = running
        self.interval = interval
        self.timeout = timeout
    }

    /// A status URL polled until `field` reaches a done or failed value.
    public init(
        request: RequestTemplate, field: String = "state", done: [String] = ["done"], failed: [String] = ["failed"],
        interval: Duration = .milliseconds(100), timeout: Duration = .seconds(30)
    ) {
        self.init(
            call: .request(request), field: field, done: done, failed: failed, interval: interval, timeout: timeout)
    }
}

/// One call that changes the control plane's routing: a request or a command, what answer means it
/// was taken, and the task it started followed to its end (a cut-over's one call, a step, an undo).
public struct CutoverAction: Sendable, Hashable {
    public var call: ControlPlaneCall
    /// `accept: [200, 201, 202]` — statuses that mean the control plane took the request.
    public var accept: [Int]
    /// `id_field: id` — where the answer (a request's body, a command's JSON stdout) names the task to poll.
    public var idField: String?
    public var poll: PollSpec?
    /// `timeout: 10s` — how long the request or command itself may take (the poll has its own).
    public var timeout: Duration

    public static let defaultAccept = [200, 201, 202]
    public static let defaultTimeout = Duration.seconds(10)

    public init(
        call: ControlPlaneCall, accept: [Int] = defaultAccept, idField: String? = nil, poll: PollSpec? = nil,
        timeout: Duration = defaultTimeout
    ) {
        self.call = call
        self.accept = accept
        self.idField = idField
        self.poll = poll
        self.timeout = timeout
    }

    /// The longest this action may take: the call, then its poll.
    public var limit: Duration { timeout + (poll?.timeout ?? .zero) }
}

/// One step of a stepwise cut-over (`steps: [{name, request | command, poll, timeout, undo}]`).
public struct CutoverStep: Sendable, Hashable {
    /// `name: block-writes` — unique within its list.
    public var name: String
    public var action: CutoverAction
    /// `undo:` — what takes this step back when a later one fails.
    public var undo: CutoverAction?

    public init(name: String, action: CutoverAction, undo: CutoverAction? = nil) {
        self.name = name
        self.action = action
        self.undo = undo
    }
}

/// What moves users to a healthy unit (`cutover:` and `rollback.cutback:`): one request or command
/// (the short form), or an ordered list of steps, each undone in reverse order when a later one fails.
public struct CutoverSpec: Sendable, Hashable {
    /// In order; the short form is one step.
    public var steps: [CutoverStep]
    /// Written as `steps:` (reported step by step), not as the short form's one call.
    public var stepwise: Bool
    /// `moves: { shenzhen-west: beijing, shenzhen-east: hangzhou }` — the plan of a shard cut-over:
    /// where each shard of the faulted unit goes (`{{cutover.moves}}`). Users of a moved shard
    /// recover on the unit their shard went to.
    public var moves: [String: String] = [:]
    /// Where each move was written, by shard.
    public var moveLocations: [String: SourceLocation] = [:]
    /// `trigger:` — who decides that the cut-over starts (a cut-back never waits for one).
    public var trigger = CutoverTrigger()

    public init(steps: [CutoverStep], stepwise: Bool = true) {
        self.steps = steps
        self.stepwise = stepwise
    }

    /// The short form: one call.
    public init(_ action: CutoverAction) {
        self.init(steps: [CutoverStep(name: "cutover", action: action)], stepwise: false)
    }

    /// The short form of one request.
    public init(
        request: RequestTemplate, accept: [Int] = CutoverAction.defaultAccept, idField: String? = nil,
        poll: PollSpec? = nil
    ) {
        self.init(CutoverAction(call: .request(request), accept: accept, idField: idField, poll: poll))
    }

    /// The short form's one call (nil for a stepwise one).
    public var single: CutoverAction? { stepwise ? nil : steps.first?.action }

    /// Every action the spec may run: the steps, their polls, their undos.
    public var actions: [CutoverAction] { steps.flatMap { [$0.action] + ($0.undo.map { [$0] } ?? []) } }

    /// The longest a whole cut-over may take: every step and every undo in turn.
    public var limit: Duration { actions.reduce(.zero) { $0 + $1.limit } }
}
