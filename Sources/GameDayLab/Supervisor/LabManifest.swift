import Foundation

/// `D/lab.json`: what `lab up` started, so that `down`, `status`, `restart-service` and tests can
/// find every service again.
public struct LabManifest: Sendable, Hashable, Codable {
    /// One started service.
    public struct Service: Sendable, Hashable, Codable {
        public var name: String
        public var role: LabRole
        public var unit: String?
        public var port: Int
        public var pid: Int32
        public var pidFile: String
        public var logFile: String
        public var healthURL: String
        /// The argv after the executable, to start the service again exactly as before.
        public var arguments: [String]
        /// The network namespace it runs in (started as `ip netns exec NS gameday lab serve ...`);
        /// nil in the root namespace.
        public var namespace: String? = nil

        enum CodingKeys: String, CodingKey {
            case name, role, unit, port, pid, arguments, namespace
            case pidFile = "pid_file"
            case logFile = "log_file"
            case healthURL = "health_url"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(role, forKey: .role)
            try c.encode(unit, forKey: .unit)  // null for the gateway and the control plane
            try c.encode(port, forKey: .port)
            try c.encode(pid, forKey: .pid)
            try c.encode(pidFile, forKey: .pidFile)
            try c.encode(logFile, forKey: .logFile)
            try c.encode(healthURL, forKey: .healthURL)
            try c.encode(arguments, forKey: .arguments)
            try c.encodeIfPresent(namespace, forKey: .namespace)
        }
    }

    /// The format of this file; bumped when a field changes meaning.
    public var schemaVersion: Int = 2
    public var runDirectory: String
    public var executable: String
    public var tokenFile: String
    /// `file`, or `env` when the token came from `GAMEDAY_LAB_TOKEN`.
    public var tokenSource: String
    public var targetFile: String
    public var groundTruthLog: String
    /// `D/services.jsonl`, where each service's supervisor logs when it started, stopped and exited;
    /// nil in a lab.json written before services had supervisors.
    public var serviceEventLog: String?
    public var gatewayURL: String
    public var controlPlaneURL: String
    public var ports: [String: Int]
    /// Whether cut-overs wait for replication (`--sync-wait`, the default, or `--no-sync-wait`).
    public var syncWait: Bool
    public var syncTimeoutMilliseconds: Double
    public var replicationLagMilliseconds: Double
    public var switchDelayMilliseconds: Double
    public var tiedTo: Int32?
    public var startedAt: String
    /// In start order: control plane, unit services, gateway.
    public var services: [Service]
    /// Unit → its fault proxy; nil in a lab.json written before the lab had fault proxies.
    public var faultProxies: [String: FaultProxy]?
    /// How the units are kept apart; nil (loopback) in a lab.json written before isolation existed.
    public var isolation: LabIsolation?
    /// Each unit's namespace, veth pair and addresses when `isolation` is `netns`.
    public var namespaces: [LabNamespace]?
    /// Why a lab asked for `netns` runs on loopback instead.
    public var isolationFallback: String?
    /// The units (`--units`), in port order; nil in a lab.json written before the lab had a
    /// choice of units, which ran beijing and hangzhou.
    public var units: [String]?
    /// Where the gateway names the serving unit (`--unit-in`); nil in a lab.json written before,
    /// when it was the `X-Unit` header only.
    public var unitIn: UnitMarking?
    /// The routing model (`--routing`); nil in a lab.json written before there were several: modulo.
    public var routing: LabRoutingModel?
    /// The lab's Prometheus and Pushgateway (`lab up --prometheus`); nil without them.
    public var prometheus: LabPrometheus?

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version"
        case runDirectory = "run_dir"
        case executable
        case tokenFile = "token_file"
        case tokenSource = "token_source"
        case targetFile = "target_file"
        case groundTruthLog = "ground_truth_log"
        case serviceEventLog = "service_event_log"
        case gatewayURL = "gateway_url"
        case controlPlaneURL = "control_plane_url"
        case ports
        case syncWait = "sync_wait"
        case syncTimeoutMilliseconds = "sync_timeout_ms"
        case replicationLagMilliseconds = "replication_lag_ms"
        case switchDelayMilliseconds = "switch_delay_ms"
        case tiedTo = "tied_to"
        case startedAt = "started_at"
        case services
        case faultProxies = "fault_proxies"
        case isolation, namespaces
        case isolationFallback = "isolation_fallback"
        case units
        case unitIn = "unit_in"
        case routing
        case prometheus
    }

    /// The lab's units: `units`, or beijing and hangzhou when the file predates them (or names
    /// units no longer accepted).
    public var layout: LabLayout { units.flatMap { try? LabLayout(units: $0) } ?? .standard }

    /// `unitIn`, the header only when the file predates it.
    public var effectiveUnitIn: UnitMarking { unitIn ?? .header }

    /// `routing`, modulo when the file predates it.
    public var effectiveRouting: LabRoutingModel { routing ?? .modulo }

    /// `isolation`, loopback when the file predates it.
    public var effectiveIsolation: LabIsolation { isolation ?? .loopback }

    /// The namespace unit `unit` runs in, if any.
    public func namespace(ofUnit unit: String) -> LabNamespace? { namespaces?.first { $0.unit == unit } }

    public func service(named name: String) -> Service? { services.first { $0.name == name } }

    /// Reads `lab.json` from the run directory.
    public static func load(from paths: LabPaths) throws(LabError) -> LabManifest {
        guard let data = FileManager.default.contents(atPath: paths.manifest) else {
            throw .noLab(runDirectory: paths.root)
        }
        do {
            return try JSONDecoder().decode(LabManifest.self, from: data)
        } catch {
            throw .invalidManifest(path: paths.manifest, reason: "\(error)")
        }
    }

    /// Writes `lab.json` atomically so a concurrent reader never sees half a file.
    public func save(to paths: LabPaths) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: URL(fileURLWithPath: paths.manifest), options: .atomic)
    }
}
