import Foundation
import Testing
import Yams

@testable import GameDayLab

/// How `lab up` places and wires the fault proxies, without starting anything.
@Suite("Fault proxies in lab.json, target.yaml and serve arguments")
struct FaultProxyLabFilesTests {
    let supervisor = LabSupervisor(runDirectory: "/run/lab", executable: "/opt/gameday/bin/gameday")

    func manifest(ports: LabPorts = .fixed(base: 9300)) -> LabManifest {
        let serves = supervisor.serveOptions(ports: ports, options: LabUpOptions())
        let services = serves.map { serve in
            LabManifest.Service(
                name: serve.serviceName, role: serve.role, unit: serve.unit, port: serve.port, pid: 100,
                pidFile: supervisor.paths.pidFile(serve.serviceName),
                logFile: supervisor.paths.logFile(serve.serviceName),
                healthURL: "http://127.0.0.1:\(serve.port)/health", arguments: serve.arguments)
        }
        var manifest = LabManifest(
            runDirectory: "/run/lab", executable: supervisor.executable, tokenFile: "/run/lab/token",
            tokenSource: "file",
            targetFile: "/run/lab/target.yaml", groundTruthLog: "/run/lab/control-plane.jsonl",
            gatewayURL: "http://127.0.0.1:9300", controlPlaneURL: "http://127.0.0.1:9301", ports: ports.byService,
            syncWait: true, syncTimeoutMilliseconds: 5000, replicationLagMilliseconds: 100, switchDelayMilliseconds: 0,
            tiedTo: nil, startedAt: "now", services: services)
        manifest.faultProxies = supervisor.faultProxies(serves)
        return manifest
    }

    @Test func fixedPortsPutTheFaultProxyAfterTheUnitsServices() {
        let ports = LabPorts.fixed(base: 9300)
        #expect(ports["beijing-fault-proxy"] == 9313)
        #expect(ports["hangzhou-fault-proxy"] == 9323)
        #expect(ports.proxyListener(unit: "beijing", role: .product) == 9314)
        #expect(ports.proxyListener(unit: "beijing", role: .cart) == 9315)
        #expect(ports.proxyListener(unit: "hangzhou", role: .product) == 9324)
        #expect(ports.proxyListener(unit: "hangzhou", role: .cart) == 9325)
        #expect(Set(ports.all).count == ports.all.count)
    }

    @Test func freePortsAreDistinctAcrossServicesAndListeners() throws {
        let ports = try LabPorts.free()
        #expect(
            ports.all.count == LabLayout.standard.serviceNames.count + LabLayout.standard.units.count
                * LabLayout.proxiedRoles.count)
        #expect(Set(ports.all).count == ports.all.count)
    }

    @Test func storefrontsCallTheirDependenciesThroughTheFaultProxy() throws {
        let serves = supervisor.serveOptions(ports: .fixed(base: 9300), options: LabUpOptions())
        let beijing = serves.filter { $0.unit == "beijing" }
        #expect(beijing.map(\.role) == [.product, .cart, .faultProxy, .storefront, .order])
        let storefront = try #require(beijing.first { $0.role == .storefront })
        #expect(storefront.productURL == "http://127.0.0.1:9314")
        #expect(storefront.cartURL == "http://127.0.0.1:9315")
        let proxy = try #require(beijing.first { $0.role == .faultProxy })
        #expect(proxy.serviceName == "beijing-fault-proxy")
        #expect(proxy.port == 9313)
        #expect(
            proxy.arguments.contains("product=127.0.0.1:9314,127.0.0.1:9311")
                && proxy.arguments.contains("cart=127.0.0.1:9315,127.0.0.1:9312"), "\(proxy.arguments)")
        #expect(LabSupervisor.serviceName(fromServeArguments: proxy.arguments) == "beijing-fault-proxy")
        #expect(throws: Never.self) { try proxy.validate() }
    }

    @Test func labJSONListsEachUnitsFaultProxy() throws {
        let original = manifest()
        let json = try JSONEncoder().encode(original)
        #expect(try JSONDecoder().decode(LabManifest.self, from: json) == original)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let beijing = try #require((object["fault_proxies"] as? [String: Any])?["beijing"] as? [String: Any])
        #expect(beijing["admin_url"] as? String == "http://127.0.0.1:9313")
        #expect(beijing["service"] as? String == "beijing-fault-proxy")
        let product = try #require((beijing["proxies"] as? [String: Any])?["product"] as? [String: Any])
        #expect(product["listen"] as? String == "127.0.0.1:9314")
        #expect(product["upstream"] as? String == "127.0.0.1:9311")
    }

    @Test func aLabJSONWithoutFaultProxiesStillLoads() throws {
        var older = manifest()
        older.faultProxies = nil
        let json = try JSONEncoder().encode(older)
        #expect(!String(decoding: json, as: UTF8.self).contains("fault_proxies"))
        #expect(try JSONDecoder().decode(LabManifest.self, from: json).faultProxies == nil)
    }

    @Test func targetFileNamesEachUnitsProxyAsItsLastKey() throws {
        let yaml = LabTargetFile(manifest: manifest()).yaml
        #expect(yaml.contains("    proxy: { url: \"http://127.0.0.1:9313\" }\n  hangzhou:\n"), "\(yaml)")
        #expect(yaml.hasSuffix("    proxy: { url: \"http://127.0.0.1:9323\" }\n"), "\(yaml)")
        let root = try #require(try Yams.load(yaml: yaml) as? [String: Any])
        let units = try #require(root["units"] as? [String: Any])
        for (unit, port) in [("beijing", 9313), ("hangzhou", 9323)] {
            let entry = try #require(units[unit] as? [String: Any])
            #expect((entry["proxy"] as? [String: Any])?["url"] as? String == "http://127.0.0.1:\(port)")
            let services = try #require(entry["services"] as? [String: Any])
            #expect(
                Set(services.keys) == ["storefront", "product", "cart", "order"], "the proxy is not a drill service")
        }
    }
}
