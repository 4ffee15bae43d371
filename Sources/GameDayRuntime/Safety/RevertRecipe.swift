import GameDayCore

/// How to undo one thing the run did, written to the ledger *before* it is done, so that
/// `gameday recover` or the watchdog can undo it after the runner is gone.
///
/// Every step is idempotent: running a recipe twice leaves the same state as once.
public struct RevertRecipe: Sendable, Hashable, Codable {
    public enum Step: Sendable, Hashable, Codable {
        /// Run `argv`; an exit code in `okExitCodes` (besides 0) also counts as done
        /// (e.g. "no such table" when deleting a table that is already gone).
        case command(argv: [String], okExitCodes: [Int32])
        /// Run `argv` unless a process matching `locator` already runs (a restart); then, with
        /// `health`, wait until the service answers its health check.
        case restartUnlessRunning(argv: [String], locator: ProcessLocator, health: HealthWait? = nil)
        /// Remove a port block (an nftables table, or iptables chains and their jumps) and prove it
        /// gone, saying how many packets it dropped; a block already gone is fine.
        case removePortBlock(block: PortBlock, scope: FirewallScope, backend: FirewallEngine)
        /// Bring an interface's egress qdiscs back to `original` and prove it; already back is fine.
        case restoreQdiscs(original: QdiscSnapshot)
        /// Remove the run's toxic `toxic` from a fault proxy's `proxy` (at `url`), or enable the
        /// proxy again when `toxic` is nil, and read it back; a toxic already gone is fine.
        case proxy(url: String, proxy: String, toxic: String?)
        /// Send `signal` to those of `pids` still alive (SIGCONT after a pause: then proven resumed).
        case signal(name: String, pids: [Int32])
        /// End the processes `locator` finds on this host (a latency fault's delayer): SIGTERM, then
        /// SIGKILL after `graceSeconds`; proven gone. None left is fine.
        case terminate(locator: ProcessLocator, what: String, graceSeconds: Int)
        /// Send the drill's cut-back request again, with the token read afresh.
        case cutback(drill: String, target: String)
        /// An HTTP request whose answer is one of `okStatuses` (removing a proxy's toxic: 204, or
        /// 404 when it is gone already). Never for requests that need a secret.
        case http(method: String, url: String, body: String?, okStatuses: [Int])
        /// `steps` that undo the fault at one place of many (`pod/NAME`), kept by `narrowed(to:)`
        /// only when the fault hit that place.
        indirect case at(place: String, steps: [Step])
        /// `steps` on another host, reached over SSH (one host of a fault on many).
        indirect case onHost(RecipeHost, steps: [Step])
        /// A kubectl command line run on this host (a pod fault's revert): done when it exits 0,
        /// when the command in the pod says one of `alreadyDone`, or when kubectl fails for one of
        /// `doneWhen` (`KubectlFailure` names such as `podNotFound`: the fault went with the pod).
        case kubectl(argv: [String], alreadyDone: [String], doneWhen: [String])
        /// Poll `argv` (`kubectl get pods --selector=… -o json`) until `count` pods serve, none of
        /// them one of `excludingUIDs` (deleted pods), for at most `timeoutSeconds`.
        case awaitPods(argv: [String], count: Int, excludingUIDs: [String], timeoutSeconds: Int)
    }

    /// Where the steps run: `local`, `netns:NAME`, or `ssh:HOST` with `host` set.
    public var executor: String
    public var steps: [Step]
    /// For steps on another host: the host, and the target file and unit its ssh settings are read
    /// from again when the recipe runs (a watchdog or `recover` has nothing else to go on).
    public var host: RecipeHost?

    public init(executor: String = "local", steps: [Step], host: RecipeHost? = nil) {
        self.executor = executor
        self.steps = steps
        self.host = host
    }
}

/// A service's health check, waited for after a restart: its URL must answer 2xx within the timeout.
public struct HealthWait: Sendable, Hashable, Codable {
    public var url: String
    public var timeoutSeconds: Double

    public init(url: String, timeout: Duration) {
        self.url = url
        self.timeoutSeconds = timeout.milliseconds / 1000
    }

    /// The health check of `service`, if it names one.
    public init?(_ service: ServiceTarget?) {
        guard let service, let url = service.health else { return nil }
        self.init(url: url, timeout: service.healthTimeout)
    }

    public var timeout: Duration { .secondsDouble(timeoutSeconds) }
}

/// The host a recipe's steps run on over SSH.
public struct RecipeHost: Sendable, Hashable, Codable {
    /// The target file (absolute), read again for the unit's `ssh:` settings.
    public var target: String
    public var unit: String
    public var host: HostTarget

    public init(target: String, unit: String, host: HostTarget) {
        self.target = target
        self.unit = unit
        self.host = host
    }
}

extension ProcessLocator: Codable {
    enum CodingKeys: String, CodingKey { case pidFile = "pid_file", name, cmdline, port }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let path = try c.decodeIfPresent(String.self, forKey: .pidFile) {
            self = .pidFile(path)
        } else if let name = try c.decodeIfPresent(String.self, forKey: .name) {
            self = .name(name)
        } else if let fragment = try c.decodeIfPresent(String.self, forKey: .cmdline) {
            self = .commandLine(fragment)
        } else {
            self = .port(try c.decode(Int.self, forKey: .port))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .pidFile(let path): try c.encode(path, forKey: .pidFile)
        case .name(let name): try c.encode(name, forKey: .name)
        case .commandLine(let fragment): try c.encode(fragment, forKey: .cmdline)
        case .port(let port): try c.encode(port, forKey: .port)
        }
    }
}

extension RevertRecipe.Step {
    /// The step as plain commands that are safe to run any number of times, before or after the
    /// fault: what a host's dead-man's switch runs by itself (it has no gameday to run the step).
    public var idempotentCommands: [[String]] {
        switch self {
        case .command(let argv, _): [argv]
        case .removePortBlock(let block, let scope, let backend):
            PortBlocker.revertRecipe(block, scope: scope, backend: backend).map(\.argv)
        case .restoreQdiscs(let original): original.revertRecipe.map(\.argv)
        case .at(_, let steps): steps.flatMap(\.idempotentCommands)
        case .terminate(let locator, _, let graceSeconds):
            [RemoteTermination.command(for: locator, graceSeconds: graceSeconds)]
        case .restartUnlessRunning, .signal, .cutback, .http, .onHost, .kubectl, .awaitPods, .proxy: []
        }
    }
}

extension RevertRecipe {
    /// The recipe for the hosts or pods in `places` only (`HostFault.host`): a step on another
    /// host or at a place is kept when it is one of them, every other step is kept.
    public func narrowed(to places: Set<String>) -> RevertRecipe {
        var narrowed = self
        narrowed.steps = steps.filter { step in
            switch step {
            case .onHost(let host, _): places.contains(host.host.description)
            case .at(let place, _): places.contains(place)
            default: true
            }
        }
        return narrowed
    }
}
