import Foundation
import GameDayRuntime

/// Starts, stops, inspects and repairs the lab in one run directory. Every service is its own
/// process: this same executable re-run as `lab serve`, the child of its own supervisor (`lab
/// supervise`, which logs when it stops), detached so both outlive the command.
public struct LabSupervisor: Sendable {
    public let paths: LabPaths
    /// The `gameday` executable the services are started from.
    public let executable: String

    public init(runDirectory: String, executable: String = ProcessTable.currentExecutable()) {
        self.paths = LabPaths(runDirectory: runDirectory)
        self.executable = executable
    }

    // MARK: - Up

    /// Starts every service (control plane, unit services, gateway), writes `lab.json` and
    /// `target.yaml`, and waits until all answer `/health`. On failure, stops what it started.
    ///
    /// Free ports (`--base-port 0`) are chosen, then bound by the services a moment later: another
    /// lab starting on the machine at the same time (a test suite starts several) may choose one of
    /// them too, and the service that binds second exits. Such a start is stopped and made again with
    /// ports chosen anew, twice at most.
    public func up(_ options: LabUpOptions) async throws -> LabUpOutcome {
        var attempt = 1
        while true {
            do {
                return try await upOnce(options)
            } catch let error as LabError where options.basePort == 0 && attempt < 3 && error.isPortTakenMeanwhile {
                attempt += 1
            }
        }
    }

    private func upOnce(_ options: LabUpOptions) async throws -> LabUpOutcome {
        if let manifest = try? LabManifest.load(from: paths), Self.isolation(of: manifest, satisfies: options),
            options.requestedLayout.map({ $0 == manifest.layout }) ?? true,
            options.requestedUnitIn.map({ $0 == manifest.effectiveUnitIn }) ?? true,
            options.requestedRouting.map({ $0 == manifest.effectiveRouting }) ?? true,
            await isRunningAndHealthy(manifest),
            await hasPrometheus(manifest, ifRequested: options.prometheus)
        {
            return .alreadyRunning(manifest)
        }
        // Half a lab (a crashed service, a stale run) is stopped rather than mixed with a new one.
        _ = await down()

        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
        let layout = options.layout
        let ports =
            try options.basePort == 0
            ? LabPorts.free(layout: layout) : LabPorts.fixed(base: options.basePort, layout: layout)
        if options.basePort != 0 {
            if let last = ports.all.max(), last > 65535 {
                throw LabError.portsOutOfRange(base: options.basePort, last: last)
            }
            for port in ports.all.sorted() where !LabPorts.isFree(port) {
                throw LabError.portInUse(port)
            }
        }
        try LabToken.write(options.environmentToken ?? LabToken.generate(), to: paths.token)
        // Cut-over ids start again at c-1 in a new control plane; so does its ground truth, and so
        // does the services' (after the `down` above, whose supervisors logged into the old one).
        try? fileManager.removeItem(atPath: paths.groundTruthLog)
        try? fileManager.removeItem(atPath: paths.serviceEventLog)
        // And its units' databases start empty: order ids and replication positions start again too.
        for unit in layout.units {
            try? fileManager.removeItem(atPath: (paths.orderDatabase(unit: unit) as NSString).deletingLastPathComponent)
        }
        // Last before the services start, so that every later failure is undone by the `down` below.
        let (namespaces, fallback) = try await isolate(options.isolation ?? .loopback, layout: layout)

        var manifest = LabManifest(
            runDirectory: paths.root, executable: executable, tokenFile: paths.token,
            tokenSource: options.environmentToken == nil ? "file" : "env", targetFile: paths.target,
            groundTruthLog: paths.groundTruthLog, gatewayURL: url(ports[LabRole.gateway.rawValue]),
            controlPlaneURL: url(ports[LabRole.controlPlane.rawValue]), ports: ports.byService,
            syncWait: options.syncWait, syncTimeoutMilliseconds: options.syncTimeout.milliseconds,
            replicationLagMilliseconds: options.replicationLag.milliseconds,
            switchDelayMilliseconds: options.switchDelay.milliseconds,
            tiedTo: options.tiedTo, startedAt: LabTimestamp.now().rfc3339, services: [])
        manifest.serviceEventLog = paths.serviceEventLog
        manifest.isolation = namespaces.isEmpty ? .loopback : .netns
        manifest.namespaces = namespaces.isEmpty ? nil : namespaces
        manifest.isolationFallback = fallback
        manifest.units = layout.units
        manifest.unitIn = options.unitIn
        manifest.routing = options.routing
        let serves = serveOptions(ports: ports, options: options, namespaces: namespaces)
        manifest.faultProxies = faultProxies(serves, namespaces: namespaces)
        do {
            for serve in serves {
                _ = fileManager.createFile(atPath: paths.logFile(serve.serviceName), contents: nil)
            }
            manifest.services = try await start(serves, namespaces: namespaces)
            try manifest.save(to: paths)
            try LabTargetFile(manifest: manifest).yaml.write(toFile: paths.target, atomically: true, encoding: .utf8)
            try await waitUntilHealthy(manifest.services, timeout: options.healthTimeout)
            if options.prometheus {
                manifest.prometheus = try await startPrometheus(
                    for: manifest, tiedTo: options.tiedTo, timeout: options.healthTimeout)
                try manifest.save(to: paths)
                try LabTargetFile(manifest: manifest).yaml.write(
                    toFile: paths.target, atomically: true, encoding: .utf8)
            }
        } catch {
            _ = await down()
            throw error
        }
        return .started(manifest)
    }

    /// What each service is started with, in start order.
    ///
    /// A unit in a namespace binds 0.0.0.0 there (its loopback, for its own storefront and fault
    /// proxy, and its veth end, for the gateway and health checks); the rest of the lab reaches it
    /// at the namespace's address.
    func serveOptions(ports: LabPorts, options: LabUpOptions, namespaces: [LabNamespace] = []) -> [LabServeOptions] {
        func base(_ role: LabRole, _ unit: String? = nil) -> LabServeOptions {
            let isolated = namespaces.contains { $0.unit == unit }
            return LabServeOptions(
                role: role, unit: unit, port: ports[role.serviceName(unit: unit)],
                host: isolated ? "0.0.0.0" : "127.0.0.1",
                runDirectory: paths.root, replicationLag: options.replicationLag, syncWait: options.syncWait,
                syncTimeout: options.syncTimeout, switchDelay: options.switchDelay, tiedTo: options.tiedTo)
        }
        func address(of unit: String) -> String? { namespaces.first { $0.unit == unit }?.namespaceAddress }
        var orders: [String: String] = [:]
        for unit in options.layout.units {
            orders[unit] = url(ports[LabRole.order.serviceName(unit: unit)], host: address(of: unit))
        }
        var controlPlane = base(.controlPlane)
        controlPlane.tokenFile = paths.token
        controlPlane.gatewayURL = url(ports[LabRole.gateway.rawValue])
        controlPlane.orders = orders
        controlPlane.units = options.layout.units
        controlPlane.routing = options.routing
        var all = [controlPlane]
        for unit in options.layout.units {
            for role in LabLayout.unitRoles {
                var serve = base(role, unit)
                switch role {
                case .faultProxy:
                    serve.proxies = LabLayout.proxiedRoles.map { dependency in
                        FaultProxySpec(
                            name: dependency.rawValue,
                            listen: "127.0.0.1:\(ports.proxyListener(unit: unit, role: dependency))",
                            upstream: "127.0.0.1:\(ports[dependency.serviceName(unit: unit)])")
                    }
                case .storefront:
                    // Through the fault proxy, so toxics act on every call to a dependency.
                    serve.productURL = url(ports.proxyListener(unit: unit, role: .product))
                    serve.cartURL = url(ports.proxyListener(unit: unit, role: .cart))
                case .order:
                    // Replication goes straight to every other unit: over the loopback, or between
                    // namespaces over the link that joins each pair (`LabNamespace.links`), the
                    // peer's end of it.
                    for peer in options.layout.peers(of: unit) {
                        let peerHost = namespaces.first { $0.unit == peer }.map {
                            $0.link(to: unit)?.address ?? $0.namespaceAddress
                        }
                        serve.peerOrders[peer] = url(ports[LabRole.order.serviceName(unit: peer)], host: peerHost)
                    }
                    serve.tokenFile = paths.token
                default:
                    break
                }
                all.append(serve)
            }
        }
        var gateway = base(.gateway)
        gateway.tokenFile = paths.token
        gateway.controlPlaneURL = url(ports[LabRole.controlPlane.rawValue])
        gateway.unitIn = options.unitIn
        for unit in options.layout.units {
            gateway.storefronts[unit] = url(ports[LabRole.storefront.serviceName(unit: unit)], host: address(of: unit))
        }
        gateway.orders = orders
        return all + [gateway]
    }

    /// Unit → its fault proxy, for `lab.json`.
    func faultProxies(_ serves: [LabServeOptions], namespaces: [LabNamespace] = []) -> [String: LabManifest.FaultProxy]
    {
        var proxies: [String: LabManifest.FaultProxy] = [:]
        for serve in serves where serve.role == .faultProxy {
            guard let unit = serve.unit else { continue }
            let host = namespaces.first { $0.unit == unit }?.namespaceAddress
            proxies[unit] = LabManifest.FaultProxy(
                service: serve.serviceName, adminURL: url(serve.port, host: host),
                proxies: Dictionary(serve.proxies.map { ($0.name, $0) }, uniquingKeysWith: { $1 }))
        }
        return proxies
    }

    // MARK: - Shared

    /// Starts every service at once, each under its supervisor; returns them in `serves`' order once
    /// every supervisor has written its server's pid file.
    ///
    /// At once rather than one after the other: each supervisor is a process to start before its
    /// server, and twelve of them in a row would add their start-up times to every `lab up`.
    func start(_ serves: [LabServeOptions], namespaces: [LabNamespace]) async throws -> [LabManifest.Service] {
        try await withThrowingTaskGroup(of: (Int, LabManifest.Service).self) { group in
            for (index, serve) in serves.enumerated() {
                let namespace = namespaces.first { $0.unit == serve.unit }
                group.addTask { (index, try await start(serve, in: namespace)) }
            }
            var started: [LabManifest.Service?] = Array(repeating: nil, count: serves.count)
            for try await (index, service) in group { started[index] = service }
            return started.compactMap { $0 }
        }
    }

    /// Starts one service under its supervisor, in `namespace` when given; returns once the
    /// supervisor has written the server's pid file.
    func start(_ serve: LabServeOptions, in namespace: LabNamespace? = nil) async throws -> LabManifest.Service {
        let name = serve.serviceName
        let pid = try await launch(
            service: name, executable: executable, serveArguments: serve.arguments, namespace: namespace?.name)
        return LabManifest.Service(
            name: name, role: serve.role, unit: serve.unit, port: serve.port, pid: pid, pidFile: paths.pidFile(name),
            logFile: paths.logFile(name), healthURL: url(serve.port, host: namespace?.namespaceAddress) + "/health",
            arguments: serve.arguments, namespace: namespace?.name)
    }

    /// Spawns `executable arguments`, or `ip netns exec NAMESPACE executable arguments`. `ip netns
    /// exec` enters the namespace and then execs the command in the same process, so the pid
    /// returned is the supervisor's own, and the server it starts is in the namespace too.
    func spawn(executable: String, arguments: [String], namespace: String?, logFile: String) throws -> pid_t {
        guard let namespace else {
            return try DetachedProcess.spawn(executable: executable, arguments: arguments, logFile: logFile)
        }
        guard let ip = LabNetwork.ipExecutable() else {
            throw LabError.networkSetupFailed(
                argv: ["ip", "netns", "exec", namespace], message: "'ip' is not installed")
        }
        return try DetachedProcess.spawn(
            executable: ip, arguments: ["netns", "exec", namespace, executable] + arguments, logFile: logFile)
    }

    /// Polls every service's `/health` until all answer 200; fails early when one exits.
    func waitUntilHealthy(_ services: [LabManifest.Service], timeout: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var pending = services
        while !pending.isEmpty {
            let health = await HealthCheck.check(pending.map(\.healthURL), timeout: .milliseconds(500))
            pending.removeAll { health[$0.healthURL] == true }
            if let dead = pending.first(where: { !LabProcessTable.isAlive($0.pid) }) {
                throw LabError.serviceExited(service: dead.name, logFile: dead.logFile, logTail: logTail(dead.logFile))
            }
            guard let late = pending.first else { return }
            if clock.now >= deadline {
                throw LabError.serviceUnhealthy(
                    service: late.name, timeout: timeout, logFile: late.logFile, logTail: logTail(late.logFile))
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Whether every service of `manifest` runs (per its pid file) and is healthy.
    func isRunningAndHealthy(_ manifest: LabManifest) async -> Bool {
        let running = manifest.services.allSatisfy { service in
            LabProcessTable.pid(inFile: service.pidFile).map {
                LabProcessTable.isLabServe($0, runDirectory: paths.root)
            }
                ?? false
        }
        guard running else { return false }
        return await HealthCheck.check(manifest.services.map(\.healthURL)).values.allSatisfy { $0 }
    }

    /// The last `lines` lines of a log, for error messages.
    func logTail(_ path: String, lines: Int = 15) -> String {
        let text = ProcessTable.read(path) ?? ""
        let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1)
        let joined = tail.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return joined.isEmpty
            ? "  (log is empty)" : joined.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }

    /// `http://HOST:PORT`, 127.0.0.1 unless a namespace's address is given.
    func url(_ port: Int, host: String? = nil) -> String { "http://\(host ?? "127.0.0.1"):\(port)" }
}
