import Foundation
import GameDayCore
import Hummingbird

/// Runs one lab service in the foreground (`gameday lab serve`) until SIGTERM or SIGINT, or until
/// the process it is tied to is gone.
public enum LabServer {
    /// Serves `options.role` on `options.host`:`options.port`.
    public static func run(_ options: LabServeOptions) async throws {
        try options.validate()
        LabLog.line("\(options.serviceName): pid \(getpid()), \(options.host):\(options.port)")

        var background: [@Sendable () async -> Void] = []
        if let tiedTo = options.tiedTo {
            background.append(ParentWatch(pid: tiedTo).run)
        }
        let unit = options.unit ?? ""
        let metrics = LabMetrics(role: options.role, unit: options.unit)
        switch options.role {
        case .product:
            try await serve(UserDataResponder.products(unit: unit), options, metrics, background)
        case .cart:
            try await serve(UserDataResponder.cart(unit: unit), options, metrics, background)
        case .storefront:
            let responder = StorefrontResponder(unit: unit, productURL: options.productURL!, cartURL: options.cartURL!)
            try await serve(responder, options, metrics, background)
        case .gateway:
            let token = try LabToken.read(from: options.tokenFile!)
            let table = RoutingTable()
            background.append(RuleSync(controlPlaneURL: options.controlPlaneURL!, token: token, table: table).run)
            let responder = GatewayResponder(
                table: table, storefronts: options.storefronts, orders: options.orders, token: token,
                unitIn: options.unitIn)
            try await serve(responder, options, metrics, background)
        case .order:
            let token = try LabToken.read(from: options.tokenFile!)
            let paths = LabPaths(runDirectory: options.runDirectory)
            let store = try OrderStore(
                unit: unit, path: paths.orderDatabase(unit: unit), replicationLag: options.replicationLag)
            let catchUp = OrderCatchUp(
                store: store, peerURLs: options.peerOrders,
                peerDatabasePaths: Dictionary(
                    uniqueKeysWithValues: options.peerOrders.keys.map { ($0, paths.orderDatabase(unit: $0)) }))
            // One shipper per peer, each with its own shipped position: a peer that is down holds
            // back only its own shipments.
            for (peer, url) in options.peerOrders.sorted(by: { $0.key < $1.key }) {
                background.append(OrderShipper(store: store, peer: peer, peerURL: url, token: token).run)
            }
            let backlog = OrderBacklogMetrics(metrics: metrics, store: store, peers: catchUp.origins)
            try await serve(
                OrderResponder(store: store, catchUp: catchUp, token: token), options, metrics, background,
                beforeScrape: backlog.refresh)
        case .faultProxy:
            let registry = ProxyRegistry()
            // Before the admin API answers /health, so a healthy fault proxy is one that forwards.
            for proxy in options.proxies {
                let created = try await registry.create(ProxyRequest(proxy))
                LabLog.line("\(options.serviceName): proxy \(created.name) \(created.listen) -> \(created.upstream)")
            }
            background.append(registry.run)
            try await serve(FaultProxyResponder(registry: registry, unit: unit), options, metrics, background)
        case .controlPlane:
            let token = try LabToken.read(from: options.tokenFile!)
            let units = options.units.isEmpty ? LabLayout.standard.units : options.units
            let state = ControlPlaneState(
                baseline: LabRouting.baseline(units: units, model: options.routing),
                metrics: CutoverMetrics(registry: metrics.registry))
            let log = try GroundTruthLog(path: LabPaths(runDirectory: options.runDirectory).groundTruthLog)
            let runner = CutoverRunner(
                state: state, log: log, gatewayURL: options.gatewayURL!, orders: options.orders, token: token,
                waitsForSync: options.syncWait, syncTimeout: options.syncTimeout, switchDelay: options.switchDelay)
            background.append(runner.run)
            background.append(runner.orderPush.run)
            try await serve(
                ControlPlaneResponder(state: state, runner: runner, log: log, token: token), options, metrics,
                background)
        }
        removeOwnPidFile(options)
        LabLog.line("\(options.serviceName): stopped")
    }

    /// Runs the HTTP server, with its `/metrics`, beside the background loops; whichever ends first
    /// ends them all.
    private static func serve<Responder: MeteredResponder>(
        _ responder: Responder, _ options: LabServeOptions, _ metrics: LabMetrics,
        _ background: [@Sendable () async -> Void], beforeScrape: @escaping @Sendable () async -> Void = {}
    ) async throws {
        let app = Application(
            responder: MetricsEndpoint(service: responder, metrics: metrics, beforeScrape: beforeScrape),
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }  // graceful shutdown on SIGTERM / SIGINT
            for loop in background {
                group.addTask { await loop() }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// A clean exit takes its pid file with it, unless a restarted successor has written its own.
    private static func removeOwnPidFile(_ options: LabServeOptions) {
        let file = LabPaths(runDirectory: options.runDirectory).pidFile(options.serviceName)
        if LabProcessTable.pid(inFile: file) == getpid() {
            unlink(file)
        }
    }
}
