import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Latency without tc netem: the shipped nfqueue drill against a lab whose units live in network
/// namespaces. The rule and the delayer are in beijing's namespace only; the drill passes like
/// its proxy twin; a runner killed while the packets are held leaves nothing once its watchdog
/// and its delayer have seen the heartbeat stop.
@Suite(.serialized) struct NfqueueDrillTests {
    static let drill = "storefront-product-latency-nfqueue"

    static var canRun: Bool { IsolatedLabTests.canIsolate }

    /// The delayers still running for one run of this test (none, once it is over).
    static func delayers(of runId: String) -> [Int32] {
        (try? ProcessTable().find(.commandLine("delayer --tag gameday_\(runId)_"))) ?? []
    }

    static func eventually(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    /// gameday's queue chains or tables in `namespace` (iptables' and nftables' views).
    static func queueRules(in namespace: String) async throws -> String {
        let ip = try #require(IsolatedLabTests.ip)
        var seen = ""
        for argv in [["iptables-save"], ["ip6tables-save"], [try #require(IsolatedLabTests.nft), "list", "tables"]] {
            let output = try await ChildProcess.run([ip, "netns", "exec", namespace] + argv)
            seen += output.stdout.split(whereSeparator: \.isNewline).filter {
                $0.contains("GAMEDAY-") || $0.contains("gameday_")
            }.joined(separator: "\n")
        }
        return seen
    }

    @Test(.enabled(if: canRun, "needs root, iproute2 and nftables to run a lab in network namespaces"))
    func theNfqueueDrillDelaysBeijingsProductOnlyAndLeavesNothing() async throws {
        try await TestLab.withLab(isolation: .netns) { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let beijing = try lab.namespace(of: "beijing")

            let plan = try await ChildProcess.run([
                lab.binary, "plan", DrillRun.shipped(Self.drill), "--target", lab.targetPath,
            ])
            #expect(plan.exitCode == 0, "\(plan.transcript)")
            #expect(plan.stdout.contains("delayer --tag gameday_"), "\(plan.stdout)")
            #expect(plan.stdout.contains("queue num"), "\(plan.stdout)")

            let run = try await DrillRun.run(DrillRun.shipped(Self.drill), lab: lab, output: output)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }
            let fault = try #require(result.faults.first)
            #expect(fault.plan.executor == "netns:\(beijing.name)")
            #expect(fault.state == .reverted)
            // The proof is a measured delay: three connects, each at least 1s - 100ms - 2ms.
            #expect(fault.effect?.contains("TCP connects to 127.0.0.1:") == true, "\(fault.effect ?? "")")
            #expect(fault.revert?.contains("queued") == true, "\(fault.revert ?? "")")
            #expect(fault.revert?.contains("the delayer of gameday_\(result.runId)_1 (process") == true)
            #expect(run.user(50)?.failures == 0)
            #expect(run.user(6000)?.failures ?? 0 > 0)

            #expect(Self.delayers(of: result.runId).isEmpty)
            for namespace in lab.namespaces {
                #expect(try await Self.queueRules(in: namespace.name).isEmpty, "\(namespace.name)")
            }
            #expect(LedgerStore(stateDirectory: "\(output)/state").pending().isEmpty)
        }
    }

    @Test(.enabled(if: canRun, "needs root, iproute2 and nftables to run a lab in network namespaces"))
    func aRunnerKilledWhileThePacketsAreHeldLeavesNothingBehind() async throws {
        try await TestLab.withLab(isolation: .netns) { lab in
            let scratch = try TestLab.makeTemporaryDirectory(prefix: "gameday-killed-nfq")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let state = "\(scratch)/state"
            let (pid, run) = try await KilledRunnerTests.start(
                lab: lab, state: state, output: scratch, watchdogTimeout: "2s", drill: Self.drill)
            // Killed once the fault is applied: the ledger says so, and the delayer holds packets.
            let applied = await Self.eventually(timeout: .seconds(60)) {
                LedgerStore(stateDirectory: state).all().contains { $0.state == .applied }
            }
            #expect(applied, "the fault was never applied")
            let runId = try #require(LedgerStore(stateDirectory: state).all().first?.runId)
            #expect(Self.delayers(of: runId).count == 1)
            kill(pid, SIGKILL)
            _ = try await run.value

            let reverted = await KilledRunnerTests.waitUntilNothingPending(state, timeout: .seconds(15))
            #expect(reverted, "the watchdog did not revert:\n\(KilledRunnerTests.watchdogLogs(state))")
            #expect(await Self.eventually(timeout: .seconds(10)) { Self.delayers(of: runId).isEmpty })
            for namespace in lab.namespaces {
                #expect(try await Self.queueRules(in: namespace.name).isEmpty, "\(namespace.name)")
            }
            try await KilledRunnerTests.expectPristine(lab, state: state, "after the watchdog")
        }
    }
}
