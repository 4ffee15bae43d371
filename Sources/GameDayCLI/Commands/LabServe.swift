import ArgumentParser
import GameDayLab

extension GameDay.Lab {
    /// `gameday lab serve`: one lab service in the foreground. `lab up` starts these; people rarely do.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve", abstract: "Run one lab service in the foreground.", shouldDisplay: false)

        @Option(help: "gateway, control-plane, storefront, product, cart, fault-proxy or order.")
        var role: String
        @Option var unit: String?
        @Option var port: Int
        @Option(help: "The address to bind: 127.0.0.1, or 0.0.0.0 inside a unit's network namespace.")
        var host: String = "127.0.0.1"
        @Option(name: .customLong("run-dir")) var runDirectory: String
        @Option var tokenFile: String?
        @Option var controlPlaneURL: String?
        @Option var gatewayURL: String?
        @Option(help: ArgumentHelp("A unit's storefront for the gateway.", valueName: "unit=url"))
        var storefront: [String] = []
        @Option(
            help: ArgumentHelp("A unit's order service, for the gateway and the control plane.", valueName: "unit=url"))
        var order: [String] = []
        @Option(
            help: ArgumentHelp("Order service: another unit's order service, replicated to.", valueName: "unit=url"))
        var peerOrder: [String] = []
        @Option(help: ArgumentHelp("Control plane: the lab's units, in order.", valueName: "unit,unit,..."))
        var units: String?
        @Option(help: "Gateway: header, body or both.")
        var unitIn: UnitMarking = .both
        @Option(help: "Control plane: the routing model of its baseline rule.")
        var routing: LabRoutingModel = .modulo
        @Option var replicationLag: LabDuration = LabDuration(.milliseconds(100))
        @Option var productURL: String?
        @Option var cartURL: String?
        @Option(help: ArgumentHelp("A proxy the fault proxy creates at start.", valueName: "name=listen,upstream"))
        var proxy: [String] = []
        @Flag(inversion: .prefixedNo) var syncWait: Bool = true
        @Option var syncTimeout: LabDuration = LabDuration(.seconds(5))
        @Option var switchDelay: LabDuration = LabDuration(.zero)
        @Option var tiedTo: Int32?

        func validate() throws {
            guard LabRole(rawValue: role) != nil else {
                throw ValidationError(
                    "unknown role '\(role)'; use one of \(LabRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard ["127.0.0.1", "0.0.0.0"].contains(host) else {
                throw ValidationError("--host must be 127.0.0.1 or 0.0.0.0, not '\(host)'")
            }
            for entry in storefront where !entry.contains("=") {
                throw ValidationError("--storefront takes unit=url, not '\(entry)'")
            }
            for entry in order where !entry.contains("=") {
                throw ValidationError("--order takes unit=url, not '\(entry)'")
            }
            for entry in peerOrder where !entry.contains("=") {
                throw ValidationError("--peer-order takes unit=url, not '\(entry)'")
            }
            try syncTimeout.check("--sync-timeout")
            try replicationLag.check("--replication-lag")
            try switchDelay.check("--switch-delay")
            for entry in proxy where FaultProxySpec(argument: entry) == nil {
                throw ValidationError(
                    "--proxy takes name=listen,upstream such as product=127.0.0.1:9314,127.0.0.1:9311, not '\(entry)'")
            }
        }

        func run() async throws {
            func byUnit(_ entries: [String]) -> [String: String] {
                var urls: [String: String] = [:]
                for entry in entries {
                    let parts = entry.split(separator: "=", maxSplits: 1)
                    urls[String(parts[0])] = String(parts[1])
                }
                return urls
            }
            var options = LabServeOptions(
                role: LabRole(rawValue: role)!, unit: unit, port: port, host: host, runDirectory: runDirectory,
                tokenFile: tokenFile, controlPlaneURL: controlPlaneURL, gatewayURL: gatewayURL,
                storefronts: byUnit(storefront), orders: byUnit(order), peerOrders: byUnit(peerOrder),
                units: units.map { $0.split(separator: ",").map(String.init) } ?? [], unitIn: unitIn,
                replicationLag: replicationLag.duration, productURL: productURL, cartURL: cartURL,
                proxies: proxy.compactMap(FaultProxySpec.init(argument:)), syncWait: syncWait,
                syncTimeout: syncTimeout.duration, switchDelay: switchDelay.duration, tiedTo: tiedTo)
            options.routing = routing
            try await LabServer.run(options)
        }
    }
}
