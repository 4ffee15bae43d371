import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// Drill faults (as the loader produces them) through the network driver, in a unit's namespace.
@Suite(.tags(.netns), .enabled(if: NamespacePair.isAvailable, NamespacePair.unavailableReason))
struct NetworkFaultDriverTests {
    static func target(_ pair: NamespacePair) -> Target {
        Target(
            name: "netns", gatewayURL: "http://127.0.0.1:9",
            controlPlane: ControlPlaneTarget(url: "http://127.0.0.1:10"),
            routing: .storefront,
            units: [
                UnitTarget(
                    name: "beijing", services: [ServiceTarget(name: "product", port: 8080)],
                    netns: pair.server.description)
            ])
    }

    static func block(_ ports: [PortRange] = [], backend: FirewallBackend = .auto) -> FaultSpec {
        FaultSpec(
            name: "product-unreachable", unit: "beijing", service: "product",
            action: .blockPort(PortBlockSpec(direction: .inbound, ports: ports, backend: backend)))
    }

    @Test(arguments: [FirewallBackend.nftables, .iptables])
    func aBlockPortFaultBlocksTheServicesPortInTheUnitsNamespaceAndReverts(backend: FirewallBackend) async throws {
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080, 8081])
            defer { server.stop() }
            let target = Self.target(pair)
            let fault = Self.block(backend: backend)
            let driver = NetworkFaultDriver(runId: "t\(UInt16.random(in: 0 ... .max))")

            let plan = driver.plan(fault, in: target)
            #expect(plan.executor == "netns:\(pair.server)")
            #expect(plan.apply.flatMap { $0 }.contains { $0.contains("8080") })
            #expect(try await driver.check(fault, in: target).hasPrefix("will block inbound tcp 8080"))
            let recipe = try await driver.recipe(for: fault, in: target)
            #expect(recipe.executor == "netns:\(pair.server)")

            let applied = try await driver.apply(fault, in: target)
            #expect(applied.effect.contains(backend == .nftables ? "nftables" : "iptables"))
            #expect(!(try await TestTraffic.attempt(from: pair.client, to: NamespacePair.serverAddress, port: 8080).ok))
            #expect(try await TestTraffic.attempt(from: pair.client, to: NamespacePair.serverAddress, port: 8081).ok)

            let reverted = try await driver.revert(applied, in: target)
            #expect(reverted.contains("(it dropped "), "the counters show the block matched traffic: \(reverted)")
            #expect(try await TestTraffic.attempt(from: pair.client, to: NamespacePair.serverAddress, port: 8080).ok)
            // The ledger's recipe, run again after the revert, is a no-op that succeeds.
            let again = try await RecipeRunner().run(recipe)
            #expect(again.hasSuffix("already gone"), "\(again)")
            #expect(try await TestTraffic.attempt(from: pair.client, to: NamespacePair.serverAddress, port: 8080).ok)
        }
    }

    @Test func theLedgerRecipeAloneUndoesABlockAfterTheRunnerIsGone() async throws {
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080])
            defer { server.stop() }
            let target = Self.target(pair)
            let fault = Self.block([PortRange(8080)])
            let driver = NetworkFaultDriver(runId: "r\(UInt16.random(in: 0 ... .max))")
            let recipe = try await driver.recipe(for: fault, in: target)
            _ = try await driver.apply(fault, in: target)
            #expect(!(try await TestTraffic.attempt(from: pair.client, to: NamespacePair.serverAddress, port: 8080).ok))
            // What `gameday recover` and the watchdog do: only the recipe, no driver state.
            _ = try await RecipeRunner().run(recipe)
            #expect(try await TestTraffic.attempt(from: pair.client, to: NamespacePair.serverAddress, port: 8080).ok)
            let tables = try await pair.serverExecutor.run(["nft", "list", "tables"], timeout: .seconds(10)).stdout
            #expect(!tables.contains("gameday"))
        }
    }

    @Test func aBlockOfTheControlPlanesPortIsRefusedBeforeAnythingIsApplied() async throws {
        let target = Target(
            name: "local", gatewayURL: "http://127.0.0.1:9300",
            controlPlane: ControlPlaneTarget(url: "http://127.0.0.1:9301"),
            routing: .storefront, units: [UnitTarget(name: "beijing", services: [])])
        let fault = FaultSpec(
            name: "cut-myself-off", unit: "beijing", service: "",
            action: .blockPort(PortBlockSpec(direction: .outbound, ports: [PortRange(9300, 9302)])))
        await #expect(throws: FaultError.self) {
            try await NetworkFaultDriver(runId: "p1").check(fault, in: target)
        }
        do {
            _ = try await NetworkFaultDriver(runId: "p1").check(fault, in: target)
        } catch {
            #expect(error.message.contains("the control plane"), "\(error.message)")
        }
    }

    @Test func aLatencyFaultStopsAtTheCheckOnAKernelWithoutNetem() async throws {
        let support = await TrafficControlSupport.detect()
        try #require(!support.netem, "this kernel has netem: the refusal path cannot be exercised here")
        try await NamespacePair.with { pair in
            let target = Self.target(pair)
            let fault = FaultSpec(
                name: "slow", unit: "beijing", service: "",
                action: .latency(
                    NetemSpec(
                        interface: pair.serverInterface.description, delay: .milliseconds(200), backend: .netem)))
            do {
                _ = try await NetworkFaultDriver(runId: "n1").check(fault, in: target)
                Issue.record("a latency fault passed the check on a kernel without sch_netem")
            } catch let error as FaultError {
                #expect(error.message.contains("netem"), "\(error.message)")
            }
            let qdiscs = try await pair.serverExecutor.run(["tc", "qdisc", "show"], timeout: .seconds(10)).stdout
            #expect(!qdiscs.contains("netem"))
        }
    }

    @Test func aBandwidthFaultCapsTheInterfaceAndRestoresItsQdisc() async throws {
        try await NamespacePair.with { pair in
            let target = Self.target(pair)
            let fault = FaultSpec(
                name: "thin", unit: "beijing", service: "",
                action: .bandwidth(BandwidthSpec(interface: pair.serverInterface.description, rate: "1mbit")))
            let driver = NetworkFaultDriver(runId: "b1")
            let before = try await pair.serverExecutor.run(
                ["tc", "qdisc", "show", "dev", pair.serverInterface.description], timeout: .seconds(10)
            ).stdout
            _ = try await driver.check(fault, in: target)
            _ = try await driver.recipe(for: fault, in: target)
            let applied = try await driver.apply(fault, in: target)
            let during = try await pair.serverExecutor.run(
                ["tc", "qdisc", "show", "dev", pair.serverInterface.description], timeout: .seconds(10)
            ).stdout
            #expect(during.contains("tbf"), "\(during)")
            _ = try await driver.revert(applied, in: target)
            let after = try await pair.serverExecutor.run(
                ["tc", "qdisc", "show", "dev", pair.serverInterface.description], timeout: .seconds(10)
            ).stdout
            #expect(after == before)
        }
    }
}
