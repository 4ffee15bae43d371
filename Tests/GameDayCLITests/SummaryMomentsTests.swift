import Foundation
import GameDayCore
import Testing

@testable import GameDayCLI

/// The terminal says the same instants as the result: a user's change names its probe's send time
/// (what `timeline.detect` uses), and the summary counts what its sentences claim.
@Suite struct SummaryMomentsTests {
    /// A result archived by a real version-3 run of the strong-dependency drill.
    static func result() throws -> RunResult {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GameDayCoreTests/Fixtures/results/v3-storefront-strong-dependency.json")
        return try RunResult.read(Data(contentsOf: path))
    }

    @Test func aFailingLineNamesTheSendTimeOfItsProbeAsTheDetectMomentDoes() throws {
        let result = try Self.result()
        let detect = try #require(result.timeline.detect)
        let sample = ProbeSample(
            sentAt: .milliseconds(detect.ms), latency: .milliseconds(8), status: 503, unit: "beijing", ok: false,
            failure: "status 503")
        let line = EventPrinter.userLine(TestUser(id: 6000), sample, style: .plain)
        #expect(line == "user 6000 FAILING (status 503) from the probe sent at +1.405s, served by beijing")
        // The summary's "failed … from" says the same instant.
        let summary = Summary(result: result, archive: nil).render()
        #expect(summary.contains("failed 11/17 probes from +1.405s"), "\(summary)")
    }

    @Test func theBystanderLineCountsTheProbesWhileTheFaultsWereApplied() throws {
        let result = try Self.result()
        let bystander = try #require(result.users.first { $0.id == "50" })
        #expect(bystander.samplesDuringFault < bystander.samples)
        let summary = Summary(result: result, archive: nil).render()
        #expect(
            summary.contains(
                "50 (hangzhou-user) home hangzhou, expected impact none: never failed while the faults were applied (\(bystander.samplesDuringFault) probes), nor after (\(bystander.samples) in all)"
            ), "\(summary)")
    }

    @Test func theSummaryShowsThePreparationAndTheRollbackCheck() throws {
        let summary = Summary(result: try Self.result(), archive: nil).render()
        #expect(
            summary.contains(
                "  inject: 155ms of preparation before the fault took effect (its effecting action took 4ms), proven 9ms after"
            ), "\(summary)")
        #expect(summary.contains("    steady state: back, every user healthy on its home unit"))
    }

    @Test func anAbortedRunsSummarySaysWhyAndWhatWasNotReached() throws {
        var result = try Self.result()
        result.outcome = .aborted
        result.exitCode = 4
        result.reason = "interrupted at +2440ms (recovery); every fault was reverted before exiting"
        result.verdicts = [
            Verdict(
                "recovery", .skipped, "not reached (interrupted at +2440ms): 1.08s after the fault, within the goal")
        ]
        result.rollbackCheck = RollbackCheckRecord(outcome: .notChecked, problem: "interrupted again")
        let summary = Summary(result: result, archive: nil).render()
        #expect(summary.contains("ABORTED (exit 4)"))
        #expect(summary.contains("  why: interrupted at +2440ms (recovery)"))
        #expect(summary.contains("SKIP  recovery  not reached (interrupted at +2440ms)"))
        #expect(summary.contains("    steady state: not checked (interrupted again)"))
    }
}
