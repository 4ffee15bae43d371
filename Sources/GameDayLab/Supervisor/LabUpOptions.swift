/// How `lab up` starts a lab.
public struct LabUpOptions: Sendable, Hashable {
    /// Gateway port; the other services follow it (see `LabPorts.fixed`). 0 picks free ports.
    public var basePort: Int
    /// Whether a cut-over waits until the destination has applied every write the source
    /// committed (false: `--no-sync-wait`, the switch follows the block and unreplicated writes
    /// are lost).
    public var syncWait: Bool
    /// How long a sync wait may take before the cut-over fails.
    public var syncTimeout: Duration
    /// How old a unit's write must be before it is shipped to the other units.
    public var replicationLag: Duration
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
    /// The units and their order (`--units`); nil keeps a running lab as it is and starts a new
    /// one with beijing and hangzhou.
    public var requestedLayout: LabLayout?
    /// Where the gateway names the serving unit (`--unit-in`); nil keeps a running lab as it is and
    /// starts a new one with both.
    public var requestedUnitIn: UnitMarking?
    /// The routing model (`--routing`); nil keeps a running lab as it is and starts a new one with
    /// modulo.
    public var requestedRouting: LabRoutingModel?
    /// Also start Prometheus and its Pushgateway (`--prometheus`), scraping every service. Without
    /// it a running lab is kept as it is, with or without them, and a new one starts without.
    public var prometheus: Bool

    /// The units a new lab gets.
    public var layout: LabLayout { requestedLayout ?? .standard }
    /// Where a new lab's gateway names the unit.
    public var unitIn: UnitMarking { requestedUnitIn ?? .both }
    /// The routing model of a new lab.
    public var routing: LabRoutingModel { requestedRouting ?? .modulo }

    public init(
        basePort: Int = 9300, syncWait: Bool = true, syncTimeout: Duration = .seconds(5),
        replicationLag: Duration = .milliseconds(100), switchDelay: Duration = .zero,
        tiedTo: Int32? = nil, environmentToken: String? = nil, healthTimeout: Duration = .seconds(30),
        isolation: LabIsolation? = nil, layout: LabLayout? = nil, unitIn: UnitMarking? = nil,
        routing: LabRoutingModel? = nil, prometheus: Bool = false
    ) {
        self.prometheus = prometheus
        self.requestedRouting = routing
        self.requestedLayout = layout
        self.requestedUnitIn = unitIn
        self.isolation = isolation
        self.basePort = basePort
        self.syncWait = syncWait
        self.syncTimeout = syncTimeout
        self.replicationLag = replicationLag
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
