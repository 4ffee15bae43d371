/// How `lab up` starts a lab.
public struct LabUpOptions: Sendable, Hashable {
    /// Gateway port; the other services follow it (see `LabPorts.fixed`). 0 picks free ports.
    public var basePort: Int
    /// The control plane's simulated replication catch-up during a cut-over.
    public var syncWait: Duration
    /// An extra pause before each switch, to make slow cut-overs on purpose.
    public var switchDelay: Duration
    /// Every service exits by itself once this process is gone.
    public var tiedTo: Int32?
    /// The token from `GAMEDAY_LAB_TOKEN`, when set; otherwise one is generated.
    public var environmentToken: String?
    /// How long every service may take to answer `/health` with 200.
    public var healthTimeout: Duration
    /// Loopback (every service on 127.0.0.1) or one network namespace per unit; nil keeps a running
    /// lab as it is and starts a new one on loopback.
    public var isolation: LabIsolation?

    public init(
        basePort: Int = 9300, syncWait: Duration = .milliseconds(100), switchDelay: Duration = .zero,
        tiedTo: Int32? = nil, environmentToken: String? = nil, healthTimeout: Duration = .seconds(30),
        isolation: LabIsolation? = nil
    ) {
        self.isolation = isolation
        self.basePort = basePort
        self.syncWait = syncWait
        self.switchDelay = switchDelay
        self.tiedTo = tiedTo
        self.environmentToken = environmentToken
        self.healthTimeout = healthTimeout
    }
}

/// What `lab up` found or did.
public enum LabUpOutcome: Sendable {
    /// The lab was started; every service answers `/health`.
    case started(LabManifest)
    /// A healthy lab was already running in the run directory; nothing was changed.
    case alreadyRunning(LabManifest)

    public var manifest: LabManifest {
        switch self {
        case .started(let manifest), .alreadyRunning(let manifest): manifest
        }
    }
}
