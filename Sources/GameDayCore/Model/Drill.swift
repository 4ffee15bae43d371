/// A request whose strings may hold `{{drill.values}}` and `${ENV}` secrets.
public struct RequestTemplate: Sendable, Hashable {
    public var method: String
    public var url: Template
    public var headers: [HeaderTemplate]
    /// A JSON body whose string leaves are templates.
    public var body: JSONTemplate?
    /// Where the request is written (the `request:` mapping), for diagnostics.
    public var location: SourceLocation?

    public init(
        method: String = "GET", url: Template, headers: [HeaderTemplate] = [], body: JSONTemplate? = nil,
        location: SourceLocation? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.location = location
    }
}

public struct HeaderTemplate: Sendable, Hashable {
    public var name: String
    public var value: Template

    public init(name: String, value: Template) {
        self.name = name
        self.value = value
    }
}

/// What makes a probe sample a success.
public struct SuccessCriteria: Sendable, Hashable {
    /// `status: 200` or `status: [200, 204]`
    public var status: [Int]
    /// `headers: { X-Unit: hangzhou }` — exact values, names compared without case.
    public var headers: [String: String]
    /// `body_contains: '"ok":true'` or a list.
    public var bodyContains: [String]

    public init(status: [Int] = [200], headers: [String: String] = [:], bodyContains: [String] = []) {
        self.status = status
        self.headers = headers
        self.bodyContains = bodyContains
    }
}

/// How every test user is probed (`probe:` in a drill).
public struct ProbeSpec: Sendable, Hashable {
    /// The shortest interval a drill may give its probes (and canaries and polls): below it the
    /// engine spends its time on the schedule instead of the requests (1 ms is already 1,000
    /// probes a second per user).
    public static let minimumInterval: Duration = .milliseconds(1)

    /// `interval: 100ms` — one probe per user per interval, whatever the previous one does.
    public var interval: Duration
    /// `timeout: 1s` — a probe with no answer by then is a failure.
    public var timeout: Duration
    /// `request:` — `{{user.id}}` and `{{gateway.url}}` are available.
    public var request: RequestTemplate
    /// `success:` — what a healthy answer looks like.
    public var success: SuccessCriteria
    /// `unit_header: X-Unit` — the response header naming the unit that served the probe.
    public var unitHeader: String
    /// `max_in_flight: 10` — probes of one user in flight at once; a slot beyond that is skipped.
    /// Nil: enough for every slot of one timeout (`timeout / interval`, rounded up), so no slot is
    /// skipped unless answers take longer than the timeout.
    public var maxInFlight: Int?

    public init(
        interval: Duration = .milliseconds(100), timeout: Duration = .seconds(1), request: RequestTemplate,
        success: SuccessCriteria = SuccessCriteria(), unitHeader: String = "X-Unit", maxInFlight: Int? = nil
    ) {
        self.interval = interval
        self.timeout = timeout
        self.request = request
        self.success = success
        self.unitHeader = unitHeader
        self.maxInFlight = maxInFlight
    }

    /// The in-flight bound in force: `maxInFlight`, or one timeout's worth of slots.
    public var inFlightLimit: Int {
        if let maxInFlight { return max(1, maxInFlight) }
        let slots = (timeout / interval).rounded(.up)
        return max(1, Int(min(slots, 1000)))
    }
}

/// What the drill expects a test user to see while its faults are applied.
public enum ImpactExpectation: String, Sendable, Hashable, CaseIterable {
    /// The user must fail (its unit depends strongly on what was broken).
    case fail
    /// The user must never fail (another unit, or a weak dependency).
    case none
    /// Either is acceptable; the user is only measured.
    case any
}

/// A user the drill probes, with what is expected of it.
///
/// ```yaml
/// users:
///   - id: 6000
///     name: beijing-user
///     home: beijing          # the unit the routing rule must send it to
///     impact: fail           # fail | none | any
///     recovers_on: hangzhou  # after the cut-over, served by this unit again
///     group: beijing-users   # reported together with the other users of that group
/// ```
public struct TestUser: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var home: String?
    public var impact: ImpactExpectation
    public var recoversOn: String?
    /// The user group it is reported in: `group:`, or the generated group's name.
    public var group: String?
    public var location: SourceLocation?

    public init(
        id: Int, name: String? = nil, home: String? = nil, impact: ImpactExpectation = .none,
        recoversOn: String? = nil, group: String? = nil, location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name ?? "user-\(id)"
        self.home = home
        self.impact = impact
        self.recoversOn = recoversOn
        self.group = group
        self.location = location
    }

    /// The group it is reported in; a user listed without `group:` is a group of its own.
    public var groupName: String { group ?? name }
}

/// A POSIX signal named in a drill (`KILL`, `SIGTERM`, `9`...).
public struct SignalName: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var number: Int32

    public static let known: [(String, Int32)] = [
        ("HUP", 1), ("INT", 2), ("QUIT", 3), ("KILL", 9), ("USR1", 10), ("USR2", 12), ("TERM", 15),
        ("CONT", 18), ("STOP", 19),
    ]

    public init?(_ text: String) {
        var upper = text.uppercased()
        if upper.hasPrefix("SIG") { upper.removeFirst(3) }
        if let entry = Self.known.first(where: { $0.0 == upper }) {
            (name, number) = entry
        } else if let number = Int32(text), let entry = Self.known.first(where: { $0.1 == number }) {
            (name, self.number) = entry
        } else {
            return nil
        }
    }

    public var description: String { "SIG\(name)" }
}

/// What a fault does.
public enum FaultAction: Sendable, Hashable {
    /// `kind: kill-process` — send `signal` (default KILL) to the service's process;
    /// reverted by running the service's restart command (unless `restart: false`).
    /// `kind: pause-process` is the same with SIGSTOP, reverted by SIGCONT.
    case killProcess(signal: SignalName, restart: Bool)
    /// `kind: block-port`
    case blockPort(PortBlockSpec)
    /// `kind: latency` (tc netem)
    case latency(NetemSpec)
    /// `kind: bandwidth` (tc tbf)
    case bandwidth(BandwidthSpec)
    /// `kind: proxy`
    case proxy(ProxyFaultSpec)

    /// The `kind:` that names it in a drill file.
    public var kind: String {
        switch self {
        case .killProcess(let signal, _): signal.name == "STOP" ? "pause-process" : "kill-process"
        case .blockPort: "block-port"
        case .latency: "latency"
        case .bandwidth: "bandwidth"
        case .proxy: "proxy"
        }
    }
}

/// Something done to one unit (and, for process faults, one of its services) and undone afterwards.
///
/// ```yaml
/// faults:
///   - name: product-down
///     kind: kill-process
///     unit: beijing
///     service: product
///     signal: KILL
/// ```
/// Which of a service's SSH hosts (`hosts:`) or pods (`pods:`) a process fault hits.
public enum HostShare: Sendable, Hashable, CustomStringConvertible {
    case all
    /// Exactly this many.
    case count(Int)
    /// This share of them, rounded down but at least one.
    case percent(Double)

    public var description: String {
        switch self {
        case .all: "all hosts"
        case .count(let count): "\(count) host(s)"
        case .percent(let percent):
            "\(percent == percent.rounded() ? String(Int(percent)) : String(percent))% of the hosts"
        }
    }
}

/// The key a fault chose its share with: SSH `hosts:` or Kubernetes `pods:`.
public enum ShareKey: String, Sendable, Hashable {
    case hosts, pods
}

/// What a fault does when some of its hosts could not be hit (`on_partial:`).
public enum PartialInjection: String, Sendable, Hashable {
    /// Revert the hosts that were hit and stop the run: the drill described did not happen.
    case abort
    /// Go on with the hosts that were hit; the fault's effect says which were not.
    case `continue`
}

public struct FaultSpec: Sendable, Hashable {
    public var name: String
    public var unit: String
    /// The service hit; empty for network faults that name an interface instead.
    public var service: String
    public var action: FaultAction
    /// For a service on SSH hosts or in pods: which of them.
    public var hosts: HostShare = .all
    /// The drill's word for `hosts`: `hosts` (SSH hosts) or `pods`.
    public var shareKey: ShareKey = .hosts
    public var onPartial: PartialInjection = .abort
    public var location: SourceLocation?

    public init(name: String, unit: String, service: String, action: FaultAction, location: SourceLocation? = nil) {
        self.name = name
        self.unit = unit
        self.service = service
        self.action = action
        self.location = location
    }
}

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

/// A sustained-success window: N consecutive successes, or k of the last n.
public enum SuccessWindow: Sendable, Hashable, CustomStringConvertible {
    /// `window: { consecutive: 5 }`
    case consecutive(Int)
    /// `window: { k: 8, n: 10 }`
    case kOfN(k: Int, n: Int)

    public var description: String {
        switch self {
        case .consecutive(let n): "\(n) consecutive successes"
        case .kOfN(let k, let n): "\(k) of \(n) successes"
        }
    }
}

/// `recovery:` — the RTO goal and what counts as recovered.
public struct RecoverySpec: Sendable, Hashable {
    /// `rto: 5s` — from the first fault applied to the start of the sustained-success window.
    public var rto: Duration
    /// `window:`
    public var window: SuccessWindow
    /// `timeout: 30s` — how long to wait for recovery before giving up (default: 3 × rto, at least 10s).
    public var timeout: Duration

    public init(rto: Duration, window: SuccessWindow = .consecutive(5), timeout: Duration? = nil) {
        self.rto = rto
        self.window = window
        self.timeout = timeout ?? max(rto * 3, .seconds(10))
    }
}

/// `steady_state:` before the faults, and again after the rollback.
public struct SteadyStateSpec: Sendable, Hashable {
    /// `duration: 1s` — every user must succeed for this long.
    public var duration: Duration

    public init(duration: Duration = .seconds(1)) { self.duration = duration }
}

/// `observe:` — watching the impact of the faults before the cut-over.
public struct ObserveSpec: Sendable, Hashable {
    /// `duration: 1s` — watch at least this long.
    public var duration: Duration
    /// `timeout: 10s` — wait at most this long for users expected to fail to fail.
    public var timeout: Duration

    public init(duration: Duration = .seconds(1), timeout: Duration? = nil) {
        self.duration = duration
        self.timeout = timeout ?? max(duration, .seconds(10))
    }
}

/// `rollback:` — after the faults are reverted.
public struct RollbackSpec: Sendable, Hashable {
    /// `cutback:` — the request that restores the baseline routing.
    public var cutback: CutoverSpec?
    /// `steady_state: 1s` — every user must be healthy again, on its home unit, for this long.
    public var steadyState: Duration

    public init(cutback: CutoverSpec? = nil, steadyState: Duration = .seconds(1)) {
        self.cutback = cutback
        self.steadyState = steadyState
    }
}

/// One experiment, as a drill file describes it.
public struct Drill: Sendable, Hashable {
    public var name: String
    public var description: String?
    public var probe: ProbeSpec
    public var users: [TestUser]
    public var steadyState: SteadyStateSpec
    public var faults: [FaultSpec]
    public var observe: ObserveSpec
    public var cutover: CutoverSpec?
    public var recovery: RecoverySpec?
    public var rollback: RollbackSpec
    /// `guardrail: { consecutive: 3 }` or `{ k: 3, n: 10 }` — that many failures of a user expected
    /// to be unaffected (in a row, or among its last n probes) breach the blast radius: the run aborts
    /// and reverts at once.
    public var guardrail: SuccessWindow
    /// `rpo:` — canary writes that measure the RPO.
    public var rpo: CanarySpec?
    /// `users:` entries with `generate:` — resolved into `users` against the target's routing rule.
    public var userGroups: [UserGroupSpec]
    public var file: String

    public init(
        name: String, description: String? = nil, probe: ProbeSpec, users: [TestUser],
        steadyState: SteadyStateSpec = SteadyStateSpec(), faults: [FaultSpec], observe: ObserveSpec = ObserveSpec(),
        cutover: CutoverSpec? = nil, recovery: RecoverySpec? = nil, rollback: RollbackSpec = RollbackSpec(),
        guardrail: SuccessWindow = .consecutive(3), rpo: CanarySpec? = nil, userGroups: [UserGroupSpec] = [],
        file: String = "<memory>"
    ) {
        self.userGroups = userGroups
        self.guardrail = guardrail
        self.rpo = rpo
        self.name = name
        self.description = description
        self.probe = probe
        self.users = users
        self.steadyState = steadyState
        self.faults = faults
        self.observe = observe
        self.cutover = cutover
        self.recovery = recovery
        self.rollback = rollback
        self.file = file
    }

    /// The unit the faults hit (all faults of a drill hit one unit).
    public var faultedUnit: String? { faults.first?.unit }
}
