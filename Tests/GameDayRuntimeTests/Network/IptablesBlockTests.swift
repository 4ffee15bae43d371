import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// Real iptables blocks (the fallback backend, forced) between two namespaces.
@Suite(.tags(.netns), .enabled(if: NamespacePair.isAvailable, NamespacePair.unavailableReason))
struct IptablesBlockTests {
    static let server = NamespacePair.serverAddress

    static func rules(_ executor: NetnsExecutor, _ tool: String = "iptables") async throws -> String {
        try await executor.run([tool, "-w", "-S"], timeout: .seconds(10)).stdout
    }

    @Test func blocksOneInboundTCPPortCountsAndRevertsWhole() async throws {
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [8080, 8081])
            defer { server.stop() }
            let blocker = PortBlocker(executor: pair.serverExecutor)
            let block = try PortBlock(direction: .inbound, ports: [FirewallPortRange(8080)])
            let applied = try await blocker.apply(
                block, scope: try FirewallScope(runID: "c0ffee01"), backend: .iptables)
            #expect(applied.backend == .iptables)
            #expect(
                applied.effect == "iptables and ip6tables chain GAMEDAY-c0ffee01-1 first in INPUT: 1 rule per family")
            let listed = try await Self.rules(pair.serverExecutor)
            #expect(listed.contains("-A INPUT -j GAMEDAY-c0ffee01-1"))
            #expect(try await Self.rules(pair.serverExecutor, "ip6tables").contains("-N GAMEDAY-c0ffee01-1"))

            let blocked = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080)
            #expect(!blocked.ok, "\(blocked)")
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8081).ok)
            #expect(try await blocker.counters(applied).packets > 0)

            let reverted = try await blocker.revert(applied)
            #expect(reverted.contains("removed iptables chain GAMEDAY-c0ffee01-1 and its jump from INPUT"))
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 8080).ok)
            #expect(try await !Self.rules(pair.serverExecutor).contains("GAMEDAY"))
            #expect(try await !Self.rules(pair.serverExecutor, "ip6tables").contains("GAMEDAY"))
            #expect(try await blocker.revert(applied) == "chain GAMEDAY-c0ffee01-1 already gone")
        }
    }

    @Test func outboundRangeToAPeerWithReject() async throws {
        try await NamespacePair.with { pair in
            let server = try TestTraffic.Server(in: pair.server, tcp: [9001, 9100])
            defer { server.stop() }
            let blocker = PortBlocker(executor: pair.clientExecutor)
            let block = try PortBlock(
                direction: .outbound, ports: [FirewallPortRange(9000, 9010)], peer: IPNetwork(Self.server),
                action: .reject)
            let applied = try await blocker.apply(
                block, scope: try FirewallScope(runID: "c0ffee02"), backend: .iptables)
            #expect(
                applied.effect.hasPrefix("iptables chain GAMEDAY-c0ffee02-1 first in OUTPUT"),
                "an IPv4 peer needs no ip6tables")

            let refused = try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 9001, timeout: 5)
            #expect(refused.error.contains("ConnectionRefused"), "\(refused)")
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 9100).ok)

            _ = try await blocker.revert(applied)
            #expect(try await TestTraffic.attempt(from: pair.client, to: Self.server, port: 9001).ok)
            #expect(try await !Self.rules(pair.clientExecutor).contains("GAMEDAY"))
        }
    }

    @Test func removeRunFindsTheChainsByName() async throws {
        try await NamespacePair.with { pair in
            let blocker = PortBlocker(executor: pair.serverExecutor)
            _ = try await blocker.apply(
                try PortBlock(direction: .inbound, ports: [FirewallPortRange(8080)]),
                scope: try FirewallScope(runID: "lost", slot: 1), backend: .iptables)
            _ = try await blocker.apply(
                try PortBlock(direction: .outbound, transport: .udp, ports: [FirewallPortRange(53)]),
                scope: try FirewallScope(runID: "lost", slot: 2),
                backend: .nftables)
            let removed = try await blocker.removeRun(runID: "lost")
            #expect(removed.contains("deleted table inet gameday_lost_2"))
            #expect(removed.contains("removed iptables chain GAMEDAY-lost-1"))
            #expect(removed.contains("removed ip6tables chain GAMEDAY-lost-1"))
            #expect(try await !Self.rules(pair.serverExecutor).contains("GAMEDAY"))
            #expect(try await NftablesBlockTests.tables(pair.serverExecutor).contains("gameday") == false)
        }
    }
}
