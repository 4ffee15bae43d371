/// The state of one lab service, as `lab status` shows it.
public struct LabServiceStatus: Sendable, Hashable, Codable {
    /// `up`: running and `/health` answers 200; `down`: running but not healthy; `not-running`.
    public enum Health: String, Sendable, Hashable, Codable {
        case up, down
        case notRunning = "not-running"
    }

    public var name: String
    public var role: LabRole
    public var unit: String?
    public var pid: Int32?
    public var port: Int
    /// The network namespace it runs in; nil in the root namespace.
    public var namespace: String?
    public var health: Health

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(role, forKey: .role)
        try c.encode(unit, forKey: .unit)
        try c.encode(pid, forKey: .pid)
        try c.encode(port, forKey: .port)
        try c.encode(namespace, forKey: .namespace)
        try c.encode(health, forKey: .health)
    }
}

/// The lab's Prometheus and Pushgateway (`lab up --prometheus`), as `lab status` shows them.
public struct LabPrometheusStatus: Sendable, Hashable, Codable {
    public var url: String
    public var pushgatewayURL: String
    /// Whether each answers `/-/ready` with 200.
    public var ready: Bool
    public var pushgatewayReady: Bool

    enum CodingKeys: String, CodingKey {
        case url, ready
        case pushgatewayURL = "pushgateway_url"
        case pushgatewayReady = "pushgateway_ready"
    }
}

/// Every service of a lab and whether the lab as a whole is usable.
public struct LabStatusReport: Sendable, Hashable, Codable {
    public var runDirectory: String
    public var targetFile: String
    public var services: [LabServiceStatus]
    public var isolation: LabIsolation = .loopback
    /// Each unit's namespace when `isolation` is `netns`.
    public var namespaces: [LabNamespace] = []
    /// Why a lab that asked for `netns` runs on loopback.
    public var isolationFallback: String?
    /// The lab's units, in port order.
    public var units: [String] = LabLayout.standard.units
    /// Where the gateway names the serving unit.
    public var unitIn: UnitMarking = .header
    /// How the gateway routes (`lab up --routing`).
    public var routing: LabRoutingModel = .modulo
    /// The lab's Prometheus and Pushgateway; nil without `--prometheus`.
    public var prometheus: LabPrometheusStatus?

    public var allHealthy: Bool {
        services.allSatisfy { $0.health == .up } && prometheus.map { $0.ready && $0.pushgatewayReady } ?? true
    }

    enum CodingKeys: String, CodingKey {
        case runDirectory = "run_dir"
        case targetFile = "target_file"
        case services
        case allHealthy = "all_healthy"
        case isolation, namespaces
        case isolationFallback = "isolation_fallback"
        case units
        case unitIn = "unit_in"
        case routing
        case prometheus
    }

    public init(runDirectory: String, targetFile: String, services: [LabServiceStatus]) {
        self.runDirectory = runDirectory
        self.targetFile = targetFile
        self.services = services
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        runDirectory = try c.decode(String.self, forKey: .runDirectory)
        targetFile = try c.decode(String.self, forKey: .targetFile)
        services = try c.decode([LabServiceStatus].self, forKey: .services)
        isolation = try c.decodeIfPresent(LabIsolation.self, forKey: .isolation) ?? .loopback
        namespaces = try c.decodeIfPresent([LabNamespace].self, forKey: .namespaces) ?? []
        isolationFallback = try c.decodeIfPresent(String.self, forKey: .isolationFallback)
        units = try c.decodeIfPresent([String].self, forKey: .units) ?? LabLayout.standard.units
        unitIn = try c.decodeIfPresent(UnitMarking.self, forKey: .unitIn) ?? .header
        routing = try c.decodeIfPresent(LabRoutingModel.self, forKey: .routing) ?? .modulo
        prometheus = try c.decodeIfPresent(LabPrometheusStatus.self, forKey: .prometheus)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(runDirectory, forKey: .runDirectory)
        try c.encode(targetFile, forKey: .targetFile)
        try c.encode(allHealthy, forKey: .allHealthy)
        try c.encode(units, forKey: .units)
        try c.encode(unitIn, forKey: .unitIn)
        try c.encode(routing, forKey: .routing)
        try c.encode(isolation, forKey: .isolation)
        try c.encode(namespaces, forKey: .namespaces)
        try c.encodeIfPresent(isolationFallback, forKey: .isolationFallback)
        try c.encodeIfPresent(prometheus, forKey: .prometheus)
        try c.encode(services, forKey: .services)
    }
}

extension LabSupervisor {
    /// The state of every service listed in `lab.json`.
    public func status() async throws(LabError) -> LabStatusReport {
        let manifest = try LabManifest.load(from: paths)
        let health = await HealthCheck.check(manifest.services.map(\.healthURL))
        let services = manifest.services.map { service in
            let pid = LabProcessTable.pid(inFile: service.pidFile)
            let running = pid.map { LabProcessTable.isLabServe($0, runDirectory: paths.root) } ?? false
            return LabServiceStatus(
                name: service.name, role: service.role, unit: service.unit, pid: running ? pid : nil,
                port: service.port, namespace: service.namespace,
                health: !running ? .notRunning : health[service.healthURL] == true ? .up : .down)
        }
        var report = LabStatusReport(runDirectory: paths.root, targetFile: manifest.targetFile, services: services)
        report.isolation = manifest.effectiveIsolation
        report.namespaces = manifest.namespaces ?? []
        report.isolationFallback = manifest.isolationFallback
        report.units = manifest.layout.units
        report.routing = manifest.effectiveRouting
        report.unitIn = manifest.effectiveUnitIn
        if let prometheus = manifest.prometheus {
            let ready = await HealthCheck.check([prometheus.url + "/-/ready", prometheus.pushgatewayURL + "/-/ready"])
            report.prometheus = LabPrometheusStatus(
                url: prometheus.url, pushgatewayURL: prometheus.pushgatewayURL,
                ready: ready[prometheus.url + "/-/ready"] == true,
                pushgatewayReady: ready[prometheus.pushgatewayURL + "/-/ready"] == true)
        }
        return report
    }
}
