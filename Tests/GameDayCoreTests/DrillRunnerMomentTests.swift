import GameDayCore
import GameDayTestSupport
import Synchronization
import Testing

/// The moments of the timeline against what happened, with fakes: the fault is the effecting
/// action (not its preparation), and a probe's moments are its send times, with the answer beside.
@Suite struct DrillRunnerMomentTests {
    /// A driver that prepares for 300 ms (lookups, guards) before the action that breaks the unit.
    static let preparation: Duration = .milliseconds(300)

    @Test func theFaultIsTheEffectingActionAndItsPreparationIsReportedApart() async throws {
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront, preparation: Self.preparation)
        let raw = TimedSink()
        let (result, _, _) = await DrillRunnerTests.run(
            DrillRunnerTests.drill(), storefront: storefront, faults: driver, raw: raw)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        let fault = try #require(result.timeline.fault?.ms)
        let inject = try #require(result.phases.first { $0.name == .inject }?.startedMs)
        let record = try #require(result.faults.first)
        #expect(record.appliedMs == fault)
        // The preparation took at least the driver's 300 ms, and none of it is inside the RTO.
        #expect(try #require(record.prepareMs) >= Self.preparation.milliseconds)
        #expect(fault - inject >= Self.preparation.milliseconds)
        #expect(abs(try #require(result.inject?.prepareMs) - (fault - inject)) < 0.002)
        #expect(try #require(record.effectMs) >= 0)
        #expect(try #require(record.provenMs) >= fault)
        // The unit broke between the stamp and the effecting action's return: the first probe of
        // 6000 sent after that failed, and the detect moment lies between the stamp and it.
        // (Stamped before the preparation, the probes sent during those 300 ms would have passed.)
        let effected = fault + (try #require(record.effectMs))
        let firstAfter = try #require(raw.samples(of: 6000).first { $0.sentAt.milliseconds > effected })
        #expect(!firstAfter.ok)
        let detected = try #require(result.timeline.detect?.ms)
        #expect(fault <= detected && detected <= firstAfter.sentAt.milliseconds)
        let detect = try #require(result.rto?.detectMs)
        #expect(abs(detect - ((try #require(result.timeline.detect?.ms)) - fault)) < 0.002)
    }

    @Test func aProbeMarksAMomentByItsSendTimeAndRecordsWhenItsAnswerCame() async throws {
        let raw = TimedSink()
        let (result, _, _) = await DrillRunnerTests.run(DrillRunnerTests.drill(), raw: raw)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        let detect = try #require(result.timeline.detect)
        let probe = try #require(raw.samples(of: 6000).first { $0.sentAt.milliseconds == detect.ms })
        #expect(!probe.ok)
        #expect(detect.observedMs == (probe.sentAt + probe.latency).milliseconds)
        #expect(detect.observedAt != nil)
        #expect(detect.unixMs == 1_800_000_000_000 + detect.ms)
        let recovered = try #require(result.timeline.recovered)
        let first = try #require(raw.samples(of: 6000).first { $0.sentAt.milliseconds == recovered.ms })
        #expect(first.ok)
        #expect(recovered.observedMs == (first.sentAt + first.latency).milliseconds)
    }

    @Test func aBystandersFirstFailureSinceTheFaultCountsFromTheFault() async throws {
        // User 50 fails every other probe once the fault is in, without ever tripping the default
        // guardrail (three in a row).
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.flapping = [50] }
        let raw = TimedSink()
        let (result, _, _) = await DrillRunnerTests.run(DrillRunnerTests.drill(), storefront: storefront, raw: raw)
        let fault = try #require(result.timeline.fault?.ms)
        let bystander = try #require(result.users.first { $0.id == "50" })
        let firstFailure = try #require(raw.samples(of: 50).first { !$0.ok && $0.sentAt.milliseconds >= fault })
        let since = try #require(bystander.firstFailureSinceFaultMs)
        #expect(abs(since - (firstFailure.sentAt.milliseconds - fault)) < 0.002)
    }
}

/// Every sample a run delivered, with its times.
final class TimedSink: ProbeSink {
    private let state = Mutex<[(user: String, sequence: Int, sample: ProbeSample)]>([])

    func deliver(_ sample: ProbeSample, user: String, sequence: Int) {
        state.withLock { $0.append((user, sequence, sample)) }
    }

    func skipped(user: String, scheduled: Duration) {}

    /// `user`'s samples in send order.
    func samples(of id: Int) -> [ProbeSample] {
        state.withLock { $0.filter { $0.user == String(id) }.sorted { $0.sequence < $1.sequence }.map(\.sample) }
    }
}
