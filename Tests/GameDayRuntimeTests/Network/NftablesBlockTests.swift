import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// Real nftables blocks between two namespaces: traffic stops, counters move, the revert restores it.
@Suite(.tags(.netns), .enabled(if: NamespacePair.isAvailable, NamespacePair.unavailableReason))
struct NftablesBlockTests {
    static let server = NamespacePair.serverAddress

    /// `nft list tables` inside a namespace.
    static func tables(_ executor: NetnsExecutor) async throws -> String {
        try await executor.run(["nft", "list", "tables"], timeout: .seconds(10)).stdout
    }

    @Test func blocksOneInboundTCPPortWhileAnotherStillWorksAndReverts() async throws {
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080, 8081])
            defer { server.stop() }
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080).ok)

            let blocker = PortBlocker(executor: pair.serverExecutor)
            let scope = try FirewallScope(runID: "a1b2c3d4")
            let applied = try await blocker.apply(
                try PortBlock(direction: .inbound, ports: [FirewallPortRange(8080)]), scope: scope)
            #expect(applied.backend == .nftables)
            #expect(
                applied.effect == "nftables table inet gameday_a1b2c3d4_1 hooked at input: 1 rule, 0 packets so far")
            #expect(try await Self.tables(pair.serverExecutor).contains("table inet gameday_a1b2c3d4_1"))

            let blocked = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080)
            #expect(!blocked.ok, "\(blocked)")
            #expect(blocked.error.contains("Timeout"), "a dropped SYN looks like a dead link: \(blocked)")
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8081).ok)
            #expect(try await blocker.counters(applied).packets > 0)

            let reverted = try await blocker.revert(applied)
            #expect(reverted == "deleted table inet gameday_a1b2c3d4_1")
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080).ok)
            #expect(try await !Self.tables(pair.serverExecutor).contains("gameday"))
            // A repeated revert (after a crash, from the ledger) finds nothing to do.
            #expect(try await blocker.revert(applied) == "table inet gameday_a1b2c3d4_1 already gone")
        }
    }

    @Test func outboundBlocksToAPeerAreRevertedOneAtATime() async throws {
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080])
            defer { server.stop() }
            let blocker = PortBlocker(executor: pair.clientExecutor)
            // Slot 1 rejects towards the server; slot 2 names another peer and must not matter.
            let toServer = try PortBlock(
                direction: .outbound, ports: [FirewallPortRange(8080)], peer: IPNetwork(Self.server), action: .reject)
            let elsewhere = try PortBlock(
                direction: .outbound, ports: [FirewallPortRange(8080)], peer: IPNetwork("10.231.0.9"))
            let first = try await blocker.apply(
                toServer, scope: try FirewallScope(runID: "run1", slot: 1), backend: .nftables)
            let second = try await blocker.apply(
                elsewhere, scope: try FirewallScope(runID: "run1", slot: 2), backend: .nftables)

            let refused = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080, timeout: 5)
            #expect(refused.error.contains("ConnectionRefused"), "a reject answers at once: \(refused)")
            #expect(try await blocker.counters(first).packets > 0)
            #expect(try await blocker.counters(second).packets == 0)

            #expect(try await blocker.revert(first) == "deleted table inet gameday_run1_1")
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080).ok)
            #expect(
                try await Self.tables(pair.clientExecutor).contains("gameday_run1_2"),
                "block 2 stays until its own revert")
            #expect(try await blocker.revert(second) == "deleted table inet gameday_run1_2")
        }
    }

    @Test func theLedgerRecipeRemovesTheBlockWithoutTheBlockerAndMayRunTwice() async throws {
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080])
            defer { server.stop() }
            let blocker = PortBlocker(executor: pair.serverExecutor)
            for backend in FirewallEngine.allCases {
                let block = try PortBlock(direction: .inbound, ports: [FirewallPortRange(8080)], action: .reject)
                let scope = try FirewallScope(runID: "recipe")
                let recipe = PortBlocker.revertRecipe(block, scope: scope, backend: backend)
                #expect(
                    try await IdempotentCommand.run(recipe, on: pair.serverExecutor).isEmpty,
                    "before the apply: \(backend)")
                _ = try await blocker.apply(
                    block, scope: scope, backend: FirewallEngineChoice(backend))
                #expect(try await !TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080).ok)
                #expect(
                    try await IdempotentCommand.run(recipe, on: pair.serverExecutor).isEmpty,
                    "after the apply: \(backend)")
                #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080).ok, "\(backend)")
                #expect(try await IdempotentCommand.run(recipe, on: pair.serverExecutor).isEmpty, "twice: \(backend)")
            }
            #expect(try await !Self.tables(pair.serverExecutor).contains("gameday"))
            #expect(
                try await !pair.serverExecutor.run(["iptables", "-w", "-S"], timeout: .seconds(10)).stdout.contains(
                    "GAMEDAY"))
        }
    }

    @Test func listsRangesAndUDP() async throws {
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080, 8081, 9001], udp: [5353, 5354])
            defer { server.stop() }
            let blocker = PortBlocker(executor: pair.serverExecutor)
            let tcp = try await blocker.apply(
                try PortBlock(
                    direction: .inbound, ports: [FirewallPortRange(8080), FirewallPortRange(9000, 9002)],
                    peer: IPNetwork("10.231.0.0/30"), action: .reject),
                scope: try FirewallScope(runID: "lists", slot: 1))
            let udp = try await blocker.apply(
                try PortBlock(direction: .inbound, transport: .udp, ports: [FirewallPortRange(5353)]),
                scope: try FirewallScope(runID: "lists", slot: 2))

            #expect(try await !TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080).ok)
            #expect(try await !TestTraffic.attempt(from: pair.client, to: Self.server, port: 9001).ok)
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8081).ok)
            #expect(try await !TestTraffic.attempt(from: pair.client, to: Self.server, port: 5353, udp: true).ok)
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 5354, udp: true).ok)
            #expect(try await blocker.counters(udp).packets > 0)

            _ = try await blocker.revert(udp)
            _ = try await blocker.revert(tcp)
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 5353, udp: true).ok)
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 9001).ok)
        }
    }

    @Test func refusesToCutTheControlChannelBeforeApplyingAnything() async throws {
        try await NamespacePair.with { pair in
            let blocker = PortBlocker(
                executor: pair.serverExecutor,
                protected: [
                    .ssh(),
                    ProtectedEndpoint(
                        label: "control plane", port: 7000, address: try IPNetwork(NamespacePair.clientAddress)),
                ])
            let ssh = try PortBlock(direction: .inbound, ports: [FirewallPortRange(20, 30)])
            await #expect(
                throws: NetworkFaultError.protectedEndpoint(
                    block: "inbound tcp 20-30 (drop)", endpoint: "SSH tcp port 22")
            ) {
                try await blocker.apply(ssh, scope: try FirewallScope(runID: "guard"))
            }
            let controlPlane = try PortBlock(
                direction: .outbound, ports: [FirewallPortRange(7000)], peer: IPNetwork("10.231.0.0/24"))
            await #expect(throws: NetworkFaultError.self) {
                try await blocker.apply(controlPlane, scope: try FirewallScope(runID: "guard"))
            }
            #expect(try await Self.tables(pair.serverExecutor).isEmpty, "nothing was applied")
        }
    }

    @Test func autoPicksNftablesAndALeftoverChainIsReported() async throws {
        try await NamespacePair.with { pair in
            let blocker = PortBlocker(executor: pair.serverExecutor)
            #expect(try await blocker.backend(for: .auto) == .nftables)
            let block = try PortBlock(direction: .inbound, ports: [FirewallPortRange(8080)])
            let scope = try FirewallScope(runID: "twice")
            _ = try await blocker.apply(block, scope: scope)
            await #expect(throws: NetworkFaultError.self) { try await blocker.apply(block, scope: scope) }
            // gameday recover without a ledger: everything of the run, found by name.
            #expect(try await blocker.removeRun(runID: "twice") == ["deleted table inet gameday_twice_1"])
            #expect(try await Self.tables(pair.serverExecutor).isEmpty)
        }
    }
}
