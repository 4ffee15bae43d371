import Foundation
import Testing
import Yams

@testable import GameDayLab

@Suite("lab.json, target.yaml and serve arguments")
struct LabFilesTests {
    let supervisor = LabSupervisor(runDirectory: "/run/lab", executable: "/opt/gameday/bin/gameday")

    func manifest(tokenSource: String = "file") -> LabManifest {
        let ports = LabPorts.fixed(base: 9300)
        let services = supervisor.serveOptions(ports: ports, options: LabUpOptions(tiedTo: 42)).map { serve in
            LabManifest.Service(
                name: serve.serviceName, role: serve.role, unit: serve.unit, port: serve.port, pid: 100,
                pidFile: supervisor.paths.pidFile(serve.serviceName),
                logFile: supervisor.paths.logFile(serve.serviceName),
                healthURL: "http://127.0.0.1:\(serve.port)/health", arguments: serve.arguments)
        }
        return LabManifest(
            runDirectory: "/run/lab", executable: supervisor.executable, tokenFile: "/run/lab/token",
            tokenSource: tokenSource,
            targetFile: "/run/lab/target.yaml", groundTruthLog: "/run/lab/control-plane.jsonl",
            gatewayURL: "http://127.0.0.1:9300", controlPlaneURL: "http://127.0.0.1:9301", ports: ports.byService,
            syncWait: true, syncTimeoutMilliseconds: 5000, replicationLagMilliseconds: 100, switchDelayMilliseconds: 0,
            tiedTo: 42, startedAt: "now", services: services)
    }

    @Test func fixedPortsFollowTheBasePort() {
        let ports = LabPorts.fixed(base: 9300)
        #expect(ports["gateway"] == 9300)
        #expect(ports["control-plane"] == 9301)
        let beijing: [Int] = [ports["beijing-storefront"], ports["beijing-product"], ports["beijing-cart"]]
        #expect(beijing == [9310, 9311, 9312])
        let hangzhou: [Int] = [ports["hangzhou-storefront"], ports["hangzhou-product"], ports["hangzhou-cart"]]
        #expect(hangzhou == [9320, 9321, 9322])
        #expect(ports["beijing-order"] == 9316 && ports["hangzhou-order"] == 9326)
    }

    @Test func freePortsAreDistinct() throws {
        let ports = try LabPorts.free()
        #expect(Set(ports.byService.values).count == LabLayout.standard.serviceNames.count)
    }

    /// What `up` starts again with new ports: a service that could not bind the port chosen for it,
    /// as the lab's servers log it (this line is from a CI run where another lab took the port).
    @Test func aPortTakenAfterItWasChosenIsToldApartFromOtherFailures() {
        let taken = LabError.serviceExited(
            service: "beijing-fault-proxy", logFile: "/run/lab/logs/beijing-fault-proxy.log",
            logTail:
                "  Error: listen tcp 127.0.0.1:15272: bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)")
        #expect(taken.isPortTakenMeanwhile)
        let crashed = LabError.serviceExited(
            service: "gateway", logFile: "/run/lab/logs/gateway.log", logTail: "  Fatal error: unexpectedly found nil")
        #expect(!crashed.isPortTakenMeanwhile)
        #expect(!LabError.portInUse(9300).isPortTakenMeanwhile)
    }

    @Test func servicesStartControlPlaneFirstAndGatewayLast() {
        let names = supervisor.serveOptions(ports: .fixed(base: 9300), options: LabUpOptions()).map(\.serviceName)
        #expect(names.first == "control-plane")
        #expect(names.last == "gateway")
        #expect(names == LabLayout.standard.serviceNames)
    }

    @Test func theOrderServicesReplicateToEachOtherAndTheControlPlaneKnowsThem() {
        let serves = supervisor.serveOptions(
            ports: .fixed(base: 9300), options: LabUpOptions(syncWait: false, replicationLag: .seconds(2)))
        let beijing = serves.first { $0.serviceName == "beijing-order" }!
        #expect(beijing.peerOrders == ["hangzhou": "http://127.0.0.1:9326"])
        #expect(beijing.arguments.contains("--replication-lag") && beijing.arguments.contains("2s"))
        let controlPlane = serves.first { $0.role == .controlPlane }!
        #expect(controlPlane.orders == ["beijing": "http://127.0.0.1:9316", "hangzhou": "http://127.0.0.1:9326"])
        #expect(controlPlane.arguments.contains("--no-sync-wait"))
        #expect(serves.last!.orders == controlPlane.orders, "the gateway routes /orders to them")
    }

    @Test func serveArgumentsCarryOnlyTheTokenPath() {
        let gateway = supervisor.serveOptions(ports: .fixed(base: 9300), options: LabUpOptions(tiedTo: 42)).last!
        #expect(gateway.arguments.contains("--token-file"))
        #expect(gateway.arguments.contains("beijing=http://127.0.0.1:9310"))
        #expect(Array(gateway.arguments.suffix(2)) == ["--tied-to", "42"])
        #expect(LabProcessTable.isLabServe(argv: ["/x/gameday"] + gateway.arguments, runDirectory: "/run/lab"))
        #expect(!LabProcessTable.isLabServe(argv: ["/x/gameday"] + gateway.arguments, runDirectory: "/run/other"))
        #expect(LabSupervisor.serviceName(fromServeArguments: gateway.arguments) == "gateway")
        #expect(throws: Never.self) { try gateway.validate() }
        #expect(throws: LabError.self) {
            try LabServeOptions(role: .storefront, port: 1, runDirectory: "/r").validate()
        }
    }

    @Test func manifestRoundTrips() throws {
        let original = manifest()
        let json = try JSONEncoder().encode(original)
        #expect(try JSONDecoder().decode(LabManifest.self, from: json) == original)
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        let first = (object?["services"] as? [[String: Any]])?.first
        #expect(first?["unit"] is NSNull, "lab-wide services carry \"unit\": null")
        #expect(first?["pid_file"] as? String == "/run/lab/control-plane.pid")
    }

    @Test func aManifestFromBeforeServiceEventsStillLoads() throws {
        var current = manifest()
        current.serviceEventLog = "/run/lab/services.jsonl"
        var object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(current)) as? [String: Any])
        #expect(object["service_event_log"] as? String == "/run/lab/services.jsonl")
        object["service_event_log"] = nil
        let old = try JSONDecoder().decode(LabManifest.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.serviceEventLog == nil)
    }

    @Test func targetFileIsTheDocumentedYAML() throws {
        let yaml = LabTargetFile(manifest: manifest()).yaml
        let root = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        #expect(root["target"] as? String == "lab")
        #expect((root["gateway"] as? [String: Any])?["url"] as? String == "http://127.0.0.1:9300")
        let controlPlane = try #require(root["control_plane"] as? [String: Any])
        #expect((controlPlane["token"] as? [String: Any])?["file"] as? String == "/run/lab/token")
        // The preflight checks the token with a request that needs it and changes nothing.
        let check = try #require(controlPlane["check"] as? [String: Any])
        #expect(check["url"] as? String == "{{control_plane.url}}/v1/rules")
        #expect((check["headers"] as? [String: Any])?["Authorization"] as? String == "Bearer {{control_plane.token}}")
        let routing = try #require(root["routing"] as? [String: Any])
        #expect(routing["modulo"] as? Int == 10000)
        #expect((routing["ranges"] as? [[String: Any]])?.count == 2)
        let product = try #require(
            (((root["units"] as? [String: Any])?["beijing"] as? [String: Any])?["services"] as? [String: Any])?[
                "product"]
                as? [String: Any])
        #expect((product["process"] as? [String: Any])?["pid_file"] as? String == "/run/lab/beijing-product.pid")
        #expect(
            product["restart"] as? [String]
                == [
                    "/opt/gameday/bin/gameday", "lab", "restart-service", "--run-dir", "/run/lab", "--service",
                    "beijing-product",
                ])
        #expect(product["health"] as? String == "http://127.0.0.1:9311/health")
        #expect(yaml.contains(#"restart: ["/opt/gameday/bin/gameday", lab, restart-service"#))
        let order = try #require(
            (((root["units"] as? [String: Any])?["hangzhou"] as? [String: Any])?["services"] as? [String: Any])?[
                "order"]
                as? [String: Any])
        #expect(order["port"] as? Int == 9326)
        #expect((order["process"] as? [String: Any])?["pid_file"] as? String == "/run/lab/hangzhou-order.pid")
    }

    @Test func targetFileNamesTheEnvironmentTokenWhenThereIsOne() throws {
        let yaml = LabTargetFile(manifest: manifest(tokenSource: "env")).yaml
        #expect(yaml.contains("  token: { env: GAMEDAY_LAB_TOKEN }"))
    }

    @Test func tokensAreRandomHexAndComparedExactly() {
        let token = LabToken.generate()
        #expect(token.count == 32)
        #expect(token.allSatisfy { $0.isHexDigit })
        #expect(token != LabToken.generate())
        #expect(LabToken.matches(token, token))
        #expect(!LabToken.matches(token + "0", token))
        #expect(!LabToken.matches("", token))
    }
}
