import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

/// A gateway that names the serving unit only in its JSON body (`lab up --unit-in body`): a drill
/// reading it there with `unit_from: { body: /unit }` runs, one reading the header is refused.
@Suite(.serialized) struct UnitFromBodyDrillTests {
    @Test func aBodyOnlyLabIsDrilledByUnitFromBodyAndRefusedByUnitHeader() async throws {
        try await TestLab.withLab(unitIn: "body") { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let product = try lab.pid(of: "beijing-product")

            // The shipped drill reads X-Unit, which this lab does not send: refused before any harm.
            let refused = try await DrillRun.run(
                DrillRun.shipped("storefront-strong-dependency"), lab: lab, output: "\(output)/header")
            #expect(refused.output.exitCode == 3, "\(refused.output.transcript)")
            #expect(
                refused.output.stdout.contains(
                    "why: user 6000's answer names no unit (no X-Unit header), but the routing rule sends it to "
                        + "beijing: the probe reads the unit from the X-Unit header;"),
                "\(refused.output.stdout)")
            #expect(refused.verdict("preflight")?.status != .pass)
            #expect(try lab.pid(of: "beijing-product") == product, "a fault was applied")
            #expect(try lab.groundTruth().isEmpty, "a cut-over was sent")

            // The same drill reading the body's "unit" passes, and sees who served whom.
            let drill = try DrillRun.variant(
                of: "storefront-strong-dependency", in: output,
                replacing: [("unit_header: X-Unit", "unit_from: { body: /unit }")])
            let plan = try await ChildProcess.run([lab.binary, "plan", drill, "--target", lab.targetPath])
            #expect(
                plan.stdout.contains("success: status 200; serving unit from /unit of the JSON body"), "\(plan.stdout)")
            let run = try await DrillRun.run(drill, lab: lab, output: "\(output)/body")
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .pass)
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }
            let moved = try #require(run.user(6000))
            #expect(moved.servedBefore == "beijing")
            #expect(moved.servedAfter == "hangzhou")
            #expect(moved.timeline.contains { $0.ok && $0.unit == "hangzhou" })
            let bystander = try #require(run.user(50))
            #expect(bystander.failures == 0)
            #expect(bystander.timeline.allSatisfy { $0.ok && $0.unit == "hangzhou" })
            // The lab really named no unit in a header.
            #expect(try await lab.gateway("/storefront?userId=6000").header("X-Unit") == nil)
        }
    }
}
