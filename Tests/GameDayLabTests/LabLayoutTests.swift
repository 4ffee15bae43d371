import Foundation
import GameDayCore
import Testing

@testable import GameDayLab

@Suite("Lab layouts of two or more units (no processes)")
struct LabLayoutTests {
    let supervisor = LabSupervisor(runDirectory: "/run/lab", executable: "/opt/gameday/bin/gameday")
    let three = try! LabLayout(units: ["beijing", "hangzhou", "shenzhen"])

    @Test func unitNamesAreCheckedWithAReason() throws {
        #expect(LabLayout.standard.units == ["beijing", "hangzhou"])
        #expect(try LabLayout(units: ["us-east-1", "eu2"]).units == ["us-east-1", "eu2"])
        for bad in [
            ["beijing"], ["beijing", "beijing"], ["Beijing", "x"], ["1st", "x"], ["a b", "x"], ["a-", "x"],
            ["", "x"], ["a/b", "x"], [String(repeating: "a", count: 21), "x"], (1...10).map { "u\($0)" },
        ] {
            #expect(throws: LabError.self, "\(bad)") { try LabLayout(units: bad) }
        }
        do {
            _ = try LabLayout(units: ["beijing", "hangzhou", "beijing"])
        } catch {
            #expect(error.localizedDescription == "--units: unit 'beijing' is listed twice; give each unit once")
        }
    }

    @Test func theBaselineKeepsTheTwoUnitRuleAndSplitsEvenlyForMore() {
        #expect(LabRouting.baseline(units: ["beijing", "hangzhou"]) == .storefront)
        let rule = LabRouting.baseline(units: three.units)
        #expect(
            rule.ranges == [
                RouteRange(from: 0, to: 3333, unit: "shenzhen"), RouteRange(from: 3334, to: 6666, unit: "hangzhou"),
                RouteRange(from: 6667, to: 9999, unit: "beijing"),
            ])
        #expect(
            rule.unit(for: 50) == "shenzhen" && rule.unit(for: 5000) == "hangzhou" && rule.unit(for: 9000) == "beijing")
        for count in 2...LabLayout.maximumUnits {
            let units = (1...count).map { "u\($0)" }
            let ranges = LabRouting.baseline(units: units).ranges
            #expect(ranges.first?.from == 0 && ranges.last?.to == 9999 && ranges.count == count)
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.to + 1 == $1.from }, "\(ranges)")
            #expect(Set(ranges.map(\.unit)) == Set(units))
        }
    }

    @Test func fixedPortsGiveEachFurtherUnitTenMore() {
        let ports = LabPorts.fixed(base: 9300, layout: three)
        #expect(ports["shenzhen-storefront"] == 9330 && ports["shenzhen-order"] == 9336)
        #expect(ports.proxyListener(unit: "shenzhen", role: .cart) == 9335)
        #expect(Set(ports.all).count == ports.all.count)
        #expect(ports.byService.count == three.serviceNames.count)
        let free = try? LabPorts.free(layout: three)
        #expect(free.map { Set($0.all).count } == three.serviceNames.count + 3 * LabLayout.proxiedRoles.count)
    }

    @Test func everyOrderServiceShipsToEveryOtherUnitAndTheControlPlaneKnowsTheUnits() throws {
        let serves = supervisor.serveOptions(
            ports: .fixed(base: 9300, layout: three), options: LabUpOptions(layout: three, unitIn: .body))
        let orders = serves.filter { $0.role == .order }
        #expect(orders.map(\.unit) == ["beijing", "hangzhou", "shenzhen"])
        let shenzhen = try #require(orders.last)
        #expect(shenzhen.peerOrders == ["beijing": "http://127.0.0.1:9316", "hangzhou": "http://127.0.0.1:9326"])
        #expect(shenzhen.arguments.filter { $0 == "--peer-order" }.count == 2)
        let controlPlane = try #require(serves.first { $0.role == .controlPlane })
        #expect(controlPlane.orders.count == 3)
        #expect(controlPlane.arguments.contains("beijing,hangzhou,shenzhen"))
        let gateway = try #require(serves.last)
        #expect(gateway.role == .gateway && gateway.storefronts.count == 3)
        let flag = try #require(gateway.arguments.firstIndex(of: "--unit-in"))
        #expect(gateway.arguments[flag + 1] == "body")
    }

    @Test func theTargetListsEveryUnitAndItsRuleAndLoads() throws {
        let ports = LabPorts.fixed(base: 9300, layout: three)
        let services = supervisor.serveOptions(ports: ports, options: LabUpOptions(layout: three)).map { serve in
            LabManifest.Service(
                name: serve.serviceName, role: serve.role, unit: serve.unit, port: serve.port, pid: 100,
                pidFile: supervisor.paths.pidFile(serve.serviceName),
                logFile: supervisor.paths.logFile(serve.serviceName),
                healthURL: "http://127.0.0.1:\(serve.port)/health", arguments: serve.arguments)
        }
        var manifest = LabManifest(
            runDirectory: "/run/lab", executable: supervisor.executable, tokenFile: "/run/lab/token",
            tokenSource: "file", targetFile: "/run/lab/target.yaml", groundTruthLog: "/run/lab/control-plane.jsonl",
            gatewayURL: "http://127.0.0.1:9300", controlPlaneURL: "http://127.0.0.1:9301", ports: ports.byService,
            syncWait: true, syncTimeoutMilliseconds: 5000, replicationLagMilliseconds: 100, switchDelayMilliseconds: 0,
            tiedTo: nil, startedAt: "now", services: services)
        manifest.units = three.units
        let target = try DrillLoader.parseTarget(yaml: LabTargetFile(manifest: manifest).yaml, file: "target.yaml")
        #expect(target.units.map(\.name) == three.units)
        #expect(target.routing == LabRouting.baseline(units: three.units))
    }

    @Test func anOlderManifestMeansTheStandardUnitsAndTheHeader() throws {
        let json = #"""
            {"schema_version":2,"run_dir":"/run/lab","executable":"g","token_file":"t","token_source":"file","target_file":"t",
             "ground_truth_log":"g","gateway_url":"g","control_plane_url":"c","ports":{},"sync_wait":true,
             "sync_timeout_ms":0,"replication_lag_ms":0,"switch_delay_ms":0,"started_at":"now","services":[]}
            """#
        let manifest = try JSONDecoder().decode(LabManifest.self, from: Data(json.utf8))
        #expect(manifest.layout == .standard && manifest.effectiveUnitIn == .header)
    }

    @Test func namespacesOfThreeUnitsAreLinkedPairwiseWithDistinctNames() throws {
        let namespaces = LabNamespace.plan(runDirectory: "/run/lab", units: three.units)
        let id = LabNamespace.labID(runDirectory: "/run/lab")
        #expect(namespaces.map(\.hostInterface) == ["gd\(id)b0", "gd\(id)h0", "gd\(id)s0"])
        #expect(Set(namespaces.map(\.subnet)).count == 3)
        for namespace in namespaces {
            let links = try #require(namespace.links)
            #expect(links.map(\.peer) == three.peers(of: namespace.unit))
            for link in links {
                #expect(link.interface.count <= 15)
                let other = try #require(namespaces.first { $0.unit == link.peer }?.link(to: namespace.unit))
                #expect(other.address != link.address)
                #expect(other.address.split(separator: ".").dropLast() == link.address.split(separator: ".").dropLast())
            }
        }
        let interfaces = namespaces.flatMap {
            [$0.hostInterface, $0.namespaceInterface] + ($0.links ?? []).map(\.interface)
        }
        #expect(Set(interfaces).count == interfaces.count)
        // Two units with one first letter get letters by place instead.
        let shared = LabNamespace.plan(runDirectory: "/run/lab", units: ["shanghai", "shenzhen", "beijing"])
        #expect(shared.map(\.hostInterface) == ["gd\(id)a0", "gd\(id)b0", "gd\(id)c0"])
        // Two units keep their per-unit addresses.
        let two = LabNamespace.plan(runDirectory: "/run/lab")
        #expect(two[0].link(to: "hangzhou")?.address == "10.234.0.1")
        let serves = supervisor.serveOptions(
            ports: .fixed(base: 9300, layout: three), options: LabUpOptions(layout: three), namespaces: namespaces)
        let beijing = try #require(serves.first { $0.serviceName == "beijing-order" })
        let shenzhenEnd = try #require(namespaces[2].link(to: "beijing"))
        #expect(beijing.peerOrders["shenzhen"] == "http://\(shenzhenEnd.address):9336")
    }

    @Test func aJSONBodyGetsTheUnitOnceAndAnythingElseIsLeftAlone() {
        func text(_ body: String) -> String {
            String(decoding: JSONReply.addingUnit("beijing", to: Array(body.utf8)), as: UTF8.self)
        }
        #expect(text(#"{"b":1,"a":"x/y"}"#) == #"{"a":"x/y","b":1,"unit":"beijing"}"#)
        #expect(text(#"{"unit":"hangzhou","b":1}"#) == #"{"unit":"hangzhou","b":1}"#)
        #expect(text("[1,2]") == "[1,2]")
        #expect(text("plain text") == "plain text")
        #expect(text("") == "")
    }

    @Test func theUnitMarkingSaysWhereTheUnitGoes() {
        #expect(UnitMarking.both.inHeader && UnitMarking.both.inBody)
        #expect(!UnitMarking.body.inHeader && UnitMarking.body.inBody)
        #expect(UnitMarking.header.inHeader && !UnitMarking.header.inBody)
    }
}
