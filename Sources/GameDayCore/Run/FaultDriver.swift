/// What a fault will do, as `plan` shows it and the archive records it.
public struct FaultPlan: Sendable, Hashable, Codable {
    public var name: String
    public var kind: String
    public var unit: String
    public var service: String
    /// Where the commands run: `local`, later `netns:NAME` or `ssh:HOST`.
    public var executor: String
    /// How the target process is found, e.g. `pid file /run/lab/beijing-product.pid`.
    public var locate: String
    /// The apply commands, in order; `<pid>` stands for the process found at run time.
    public var apply: [[String]]
    /// The revert commands, in order; empty when the fault needs none.
    public var revert: [[String]]
    /// How the runner proves the fault took effect.
    public var proof: String

    /// `beijing/product`, or `beijing` for a fault on the unit's network.
    public var place: String { service.isEmpty ? unit : "\(unit)/\(service)" }

    public init(
        name: String, kind: String, unit: String, service: String, executor: String, locate: String,
        apply: [[String]], revert: [[String]], proof: String
    ) {
        self.name = name
        self.kind = kind
        self.unit = unit
        self.service = service
        self.executor = executor
        self.locate = locate
        self.apply = apply
        self.revert = revert
        self.proof = proof
    }
}

/// A fault that was applied: enough to revert it and to tell what happened.
public struct AppliedFault: Sendable, Hashable {
    public var spec: FaultSpec
    public var plan: FaultPlan
    /// The processes the fault hit.
    public var pids: [Int32]
    /// The commands actually run to apply it.
    public var commands: [[String]]
    /// The proof that it took effect, e.g. `process 4242 is gone`.
    public var effect: String
    /// Its entry in the ledger, once recorded there.
    public var ticket: LedgerTicket?
    /// Per host, for a fault on SSH hosts: what it hit and proved there.
    public var hosts: [HostFault] = []

    public init(spec: FaultSpec, plan: FaultPlan, pids: [Int32], commands: [[String]], effect: String) {
        self.spec = spec
        self.plan = plan
        self.pids = pids
        self.commands = commands
        self.effect = effect
    }
}

/// Why a fault could not be checked, applied or reverted.
public struct FaultError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A fault made ready by its driver in one call: where it acts, what it hits (processes, hosts,
/// pods, the interface's qdiscs as they are), the exact apply and revert steps, and the proof. The
/// ledger records it, with how to revert it, before `apply` runs; every revert of it (the runner's
/// rollback, a watchdog, `gameday recover`) then runs what the ledger recorded (`FaultLedger.revert`).
public protocol PreparedFault: Sendable {
    var spec: FaultSpec { get }
    /// What it will do, as the journal and the archive record it.
    var plan: FaultPlan { get }
    /// Makes the fault take effect and proves it did. Nothing is looked up again: the action that
    /// makes it take effect runs through `moment.effect`, the rest is the proof.
    func apply(_ moment: FaultMoment) async throws(FaultError) -> AppliedFault
}

/// Turns faults into prepared faults. The real ones live in GameDayRuntime; tests use fakes.
public protocol FaultDriver: Sendable {
    /// What the fault would do, without looking at anything: `gameday plan`, and the journal's
    /// record of a fault that could not be prepared.
    func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan
    /// Checks before the run, changing nothing, that the fault can be prepared (its process
    /// exists, its guards pass); returns what was found.
    func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String
    /// Looks up everything the fault needs (processes, hosts, pods, the firewall's backend, the
    /// qdiscs to restore), checks its guards and readies what it must (a pod's tools container), in
    /// one call just before the fault is recorded and applied: that value is the one the ledger
    /// records, `apply` executes and every revert runs.
    func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault
}

extension FaultPlan {
    enum CodingKeys: String, CodingKey { case name, kind, unit, service, executor, locate, apply, revert, proof }

    /// The first archives (schema version 1) had one command each for `apply` and `revert`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func commands(_ key: CodingKeys) throws -> [[String]] {
            if let one = try? c.decode([String].self, forKey: key) { return one.isEmpty ? [] : [one] }
            return try c.decode([[String]].self, forKey: key)
        }
        self.init(
            name: try c.decode(String.self, forKey: .name), kind: try c.decode(String.self, forKey: .kind),
            unit: try c.decode(String.self, forKey: .unit), service: try c.decode(String.self, forKey: .service),
            executor: try c.decode(String.self, forKey: .executor), locate: try c.decode(String.self, forKey: .locate),
            apply: try commands(.apply), revert: try commands(.revert), proof: try c.decode(String.self, forKey: .proof)
        )
    }
}

/// What a fault did on one of its hosts.
public struct HostFault: Sendable, Hashable, Codable {
    public var host: String
    public var pids: [Int32]
    public var effect: String

    public init(host: String, pids: [Int32], effect: String) {
        self.host = host
        self.pids = pids
        self.effect = effect
    }
}
