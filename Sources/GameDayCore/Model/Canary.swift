/// RPO by canary writes (`rpo:`): during the drill the runner writes sequenced canaries for the
/// moving test users to their home unit, then reads them back from the unit that serves them after
/// the cut-over. Acknowledged canaries missing after `grace` are lost writes.
///
/// ```yaml
/// rpo:
///   goal: 0s                 # the RPO the drill must meet (0: no acknowledged write may be lost)
///   interval: 100ms          # one canary per user per interval
///   grace: 1s                # wait this long after the last acknowledgement before reading back
///   users: [6000]            # default: every user with recovers_on
///   write:
///     request:
///       method: POST
///       url: "{{gateway.url}}/orders?userId={{user.id}}"
///       body: { item: canary, seq: "{{canary.seq}}", tag: "{{run.id}}" }
///     ack: [201]             # an acknowledged write
///     blocked: [423]         # refused because writes are blocked (the cut-over's write block)
///   read:
///     request:
///       url: "{{gateway.url}}/orders?userId={{user.id}}&tag={{run.id}}"
///     field: seqs            # the list of canary numbers present, in the JSON answer
/// ```
public struct CanarySpec: Sendable, Hashable {
    public var goal: Duration
    public var interval: Duration
    public var grace: Duration
    /// Nil: every user that `recovers_on` another unit.
    public var users: [String]?
    public var write: RequestTemplate
    public var ack: [Int]
    public var blocked: [Int]
    public var read: RequestTemplate
    public var field: String
    public var location: SourceLocation?

    public init(
        goal: Duration = .zero, interval: Duration = .milliseconds(100), grace: Duration = .seconds(1),
        users: [String]? = nil, write: RequestTemplate, ack: [Int] = [200, 201], blocked: [Int] = [423],
        read: RequestTemplate, field: String = "seqs", location: SourceLocation? = nil
    ) {
        self.goal = goal
        self.interval = interval
        self.grace = grace
        self.users = users
        self.write = write
        self.ack = ack
        self.blocked = blocked
        self.read = read
        self.field = field
        self.location = location
    }
}

extension Drill {
    /// The users the canaries are written for.
    public var canaryUsers: [TestUser] {
        guard let rpo else { return [] }
        if let ids = rpo.users { return users.filter { ids.contains($0.id) } }
        return users.filter { $0.recoversOn != nil }
    }
}
