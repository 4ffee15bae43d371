import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Latency with tc netem: where the kernel lacks `sch_netem` the preflight must stop before any
/// fault is applied, say so and what to do; where it has it, the drill must pass like its proxy twin.
@Suite(.serialized, .enabled(if: getuid() == 0, "tc needs root"))
struct NetemDrillTests {
    @Test func aNetemDrillRunsWhereTheKernelCanAndIsRefusedCleanlyWhereItCannot() async throws {
        let support = await TrafficControlSupport.detect()
        print("netem on this kernel: \(support.netem ? "available" : "missing (\(support.problem ?? "?"))")")
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let target = try DrillLoader.loadTarget(path: lab.targetPath)
            let port = try #require(target.unit(named: "beijing")?.service(named: "product")?.port)
            let fault = """
                faults:
                  - name: product-netem
                    kind: latency
                    backend: netem
                    unit: beijing
                    interface: lo
                    delay: 2s
                    match: { port: \(port) }

                """
            let drill = try DrillRun.variant(
                of: "storefront-product-latency", in: output,
                replacing: [
                    (
                        "faults:\n  - name: product-slow\n    kind: proxy\n    unit: beijing\n    proxy: product\n    toxic: latency\n    latency: 2s\n    jitter: 100ms\n    stream: downstream\n",
                        fault
                    )
                ])
            let before = try await ChildProcess.run(["/usr/sbin/tc", "qdisc", "show", "dev", "lo"]).stdout
            let run = try await DrillRun.run(drill, lab: lab, output: output)
            if support.netem && support.prio {
                #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            } else {
                #expect(run.output.exitCode == 3, "\(run.output.transcript)")
                #expect(run.result?.reason?.contains("fault product-netem cannot be applied") == true)
                #expect(run.result?.reason?.contains("lacks sch_netem") == true, "\(run.result?.reason ?? "")")
                #expect(run.result?.faults.first?.state == .notApplied)
                #expect(run.verdict("faults_applied") == nil, "no fault was applied")
            }
            let after = try await ChildProcess.run(["/usr/sbin/tc", "qdisc", "show", "dev", "lo"]).stdout
            #expect(after == before, "the loopback's qdiscs are as they were")
            #expect(LedgerStore(stateDirectory: "\(output)/state").pending().isEmpty)
        }
    }
}
