import Foundation
import GameDayCore
import GameDayTestSupport
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

    /// A target whose gateway cannot be reached stops the run in preflight (exit 3), before any
    /// probe: the summary lists no empty "verdicts:", and no user "never failed".
    @Test func anUnreachableTargetsSummarySaysNoProbeWasRecorded() async throws {
        var target = FakeDrill.target
        target.gatewayURL = "http://unreachable.test"
        let storefront = FakeStorefront()
        let environment = RunEnvironment(
            transport: storefront, faults: FakeFaultDriver(storefront: storefront), clock: ContinuousRunClock(),
            wallClock: { 1_800_000_000_000 + $0.milliseconds }, environment: { $0 == "FAKE_TOKEN" ? "s3cret" : nil },
            files: MemoryFileSystem(), reporter: EventLog(), runId: "test", ledger: MemoryLedger(transport: storefront))
        let result = await DrillRunner(drill: FakeDrill.drill(), target: target, environment: environment).run()
        #expect(result.exitCode == 3, "\(result.reason ?? "")")
        let summary = Summary(result: result, archive: nil).render()
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let at = lines.firstIndex(of: "  verdicts:") {
            let next = at + 1 < lines.count ? lines[at + 1] : ""
            #expect(next.hasPrefix("    ") && !next.hasPrefix("     "), "an empty verdicts: \(summary)")
        }
        #expect(!summary.contains("never failed"), "\(summary)")
        #expect(summary.contains("no probe recorded (the run stopped before the steady state)"), "\(summary)")
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
