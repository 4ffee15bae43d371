/// Following a cut-over task the control plane answered with (`poll:`).
public struct PollSpec: Sendable, Hashable {
    /// `request:` — `{{cutover.id}}` holds the id read from the first answer.
    public var request: RequestTemplate
    /// `field: state` — a dotted path into the JSON answer.
    public var field: String
    /// `done: [done]`
    public var done: [String]
    /// `failed: [failed, aborted]`
    public var failed: [String]
    /// `interval: 100ms`
    public var interval: Duration
    /// `timeout: 30s` — a cut-over not done by then has failed.
    public var timeout: Duration

    public init(
        request: RequestTemplate, field: String = "state", done: [String] = ["done"], failed: [String] = ["failed"],
        interval: Duration = .milliseconds(100), timeout: Duration = .seconds(30)
    ) {
        self.request = request
        self.field = field
        self.done = done
        self.failed = failed
        self.interval = interval
        self.timeout = timeout
    }
}

/// The call that moves users to a healthy unit (`cutover:` and `rollback.cutback:`).
public struct CutoverSpec: Sendable, Hashable {
    public var request: RequestTemplate
    /// `accept: [200, 201, 202]` — statuses that mean the control plane took the request.
    public var accept: [Int]
    /// `id_field: id` — where the answer names the task to poll.
    public var idField: String?
    public var poll: PollSpec?

    public init(
        request: RequestTemplate, accept: [Int] = [200, 201, 202], idField: String? = nil, poll: PollSpec? = nil
    ) {
        self.request = request
        self.accept = accept
        self.idField = idField
        self.poll = poll
    }
}
