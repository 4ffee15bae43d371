import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The drills whose faults are on the network: a port blocked with nftables (or iptables), and
/// latency through the unit's fault proxy. Both against a real lab, both reverted without a trace.
@Suite(.serialized) struct NetworkDrillTests {
    static var canUseFirewall: Bool {
        getuid() == 0 && (access("/usr/sbin/nft", X_OK) == 0 || access("/usr/sbin/iptables", X_OK) == 0)
    }

    @Test(.enabled(if: canUseFirewall, "needs root and nftables or iptables"))
    func theBlockedProductPortDrillPassesAndLeavesNoRuleBehind() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let run = try await DrillRun.run(DrillRun.shipped("storefront-product-blocked"), lab: lab, output: output)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result)
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }
            let fault = try #require(result.faults.first)
            #expect(fault.state == .reverted)
            // The rule matched real traffic: its counters moved before it was removed.
            let revert = try #require(fault.revert)
            let dropped = revert.firstMatch(of: /it dropped (\d+) packets/).flatMap { Int($0.1) } ?? 0
            #expect(dropped > 0, "\(revert)")
            #expect(run.user(6000)?.servedAfter == "hangzhou")
            #expect(run.user(50)?.failures == 0)
            let tables = try await ChildProcess.run(["/usr/sbin/nft", "list", "tables"])
            #expect(!tables.stdout.contains("gameday_\(result.runId)"))
            let chains = try await ChildProcess.run(["/usr/sbin/iptables", "-S"])
            #expect(!chains.stdout.contains("GAMEDAY-\(result.runId)"))
        }
    }

    @Test func theProxyLatencyDrillPassesAndRemovesItsToxic() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let run = try await DrillRun.run(DrillRun.shipped("storefront-product-latency"), lab: lab, output: output)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result)
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }
            let fault = try #require(result.faults.first)
            #expect(fault.effect?.hasPrefix("latency toxic on proxy product") == true)
            #expect(fault.state == .reverted)
            // Slow, not refused: beijing's failures were the storefront giving up on product (503).
            #expect(run.user(6000)?.timeline.contains { $0.status == 503 } == true)
            let target = try DrillLoader.loadTarget(path: lab.targetPath)
            let proxyURL = try #require(target.unit(named: "beijing")?.proxyURL)
            let proxies = try await ToxiproxyClient(url: proxyURL).proxies()
            #expect(proxies.values.allSatisfy { $0.toxics.isEmpty && $0.enabled }, "\(proxies)")
        }
    }
}
