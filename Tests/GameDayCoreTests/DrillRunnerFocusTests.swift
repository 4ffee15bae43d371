import Foundation
import GameDayCore
import GameDayTestSupport
import Synchronization
import Testing

/// The runner's focus (`probe.focus_interval`) with fakes: the users expected to fail are probed
/// finely from just before the fault until each fails, the moved ones from just before the cut-over
/// until each is served by its new unit; the RTO's moments come from those probes, and the result
/// counts them.
@Suite struct DrillRunnerFocusTests {
    /// The fake drill at a 50 ms base interval, focused at 5 ms (or not).
    static func drill(focus: Duration? = .milliseconds(5)) -> Drill {
        var drill = DrillRunnerTests.drill()
        drill.probe.interval = .milliseconds(50)
        drill.probe.focusInterval = focus
        return drill
    }

    /// Runs `drill` against the fake storefront with the task engine, recording what the runner
    /// asked of the engine's focus.
    static func run(_ drill: Drill, storefront: FakeStorefront = FakeStorefront(), raw: TimedSink) async -> (
        RunResult, FocusRecorder
    ) {
        let clock = ContinuousRunClock()
        let recorder = FocusRecorder(clock: clock)
        var env = RunEnvironment(
            transport: storefront, faults: FakeFaultDriver(storefront: storefront), clock: clock,
            wallClock: { 1_800_000_000_000 + $0.milliseconds },
            environment: { $0 == "FAKE_TOKEN" ? "s3cret" : nil }, files: MemoryFileSystem(), reporter: EventLog(),
            runId: "test", ledger: MemoryLedger(transport: storefront), rawSamples: raw)
        env.probes = recorder
        let result = await DrillRunner(drill: drill, target: DrillRunnerTests.target, environment: env).run()
        return (result, recorder)
    }

    @Test func theImpactedUserIsFocusedAtTheFaultAndAgainAtTheCutOver() async throws {
        let raw = TimedSink()
        let drill = Self.drill()
        let (result, recorder) = await Self.run(drill, raw: raw)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        let calls = recorder.calls
        try #require(calls.count == 2, "one focus at the fault, one at the cut-over")
        let samples = raw.samples(of: 6000)

        // At the fault: 6000 (expected to fail), from the stamp (just before the effecting action)
        // until its first failure since then, which is detect; at most the observe timeout.
        let fault = try #require(result.timeline.fault?.ms)
        let atFault = calls[0]
        #expect(atFault.users == ["6000"] && atFault.interval == .milliseconds(5))
        #expect(atFault.at.milliseconds >= fault, "focused once the fault is stamped")
        #expect(abs(atFault.deadline.milliseconds - (fault + drill.observe.timeout.milliseconds)) < 0.001)
        let detect = try #require(samples.first { !$0.ok && $0.sentAt.milliseconds >= fault })
        // The base slots are left out while focused, so a focused probe saw the failure first; or, on
        // a starved machine, a base probe due before the focus began that left after the fault.
        #expect(detect.focused || detect.sentAt - detect.lag <= atFault.at, "\(detect)")
        #expect(result.timeline.detect?.ms == detect.sentAt.milliseconds)
        // Ended by a failure: that one, or one sent after it.
        if let ended = atFault.ended["6000"] { #expect(!ended.ok && ended.sentAt >= detect.sentAt) }

        // At the cut-over: 6000 (it moves), from just before the request, until served by hangzhou,
        // which is recovered; at most the recovery timeout from the fault.
        let atCutover = calls[1]
        #expect(atCutover.users == ["6000"] && atCutover.interval == .milliseconds(5))
        #expect(atCutover.at.milliseconds <= (try #require(result.timeline.cutoverStart?.ms)))
        #expect(abs(atCutover.deadline.milliseconds - (fault + 10_000)) < 0.001)
        let recovered = try #require(samples.first { $0.ok && $0.unit == "hangzhou" })
        #expect(recovered.focused || recovered.sentAt - recovered.lag <= atCutover.at, "\(recovered)")
        #expect(result.timeline.recovered?.ms == recovered.sentAt.milliseconds)
        #expect(atCutover.ended["6000"].map { $0.unit == "hangzhou" && $0.sentAt >= recovered.sentAt } == true)
        #expect(samples.last?.focused == false, "the base interval again after it")

        #expect(raw.samples(of: 50).allSatisfy { !$0.focused }, "the bystander is never focused")
        let probes = try #require(result.probes)
        #expect(probes.focused == samples.count(where: \.focused))
        #expect(probes.focusedUsers == 1)
        #expect(probes.focusIntervalMs == 5)
        #expect(probes.sent == samples.count + raw.samples(of: 50).count)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any]
        let counted = try #require(json?["probes"] as? [String: Any])
        #expect(counted["focused"] as? Int == probes.focused && counted["focus_interval_ms"] as? Double == 5)
        #expect(try RunResult.read(JSONEncoder().encode(result)).probes == probes)
    }

    @Test func withTheFocusOffNoProbeIsFocused() async throws {
        let raw = TimedSink()
        let (result, _, _) = await DrillRunnerTests.run(Self.drill(focus: nil), raw: raw)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(raw.samples(of: 6000).allSatisfy { !$0.focused })
        let probes = try #require(result.probes)
        #expect(probes.focused == 0 && probes.focusedUsers == 0 && probes.focusIntervalMs == nil)
        #expect(probes.words(probeIntervalMs: 50).hasSuffix("; none focused (probe.focus_interval off)"))
    }

    /// The control plane says done but never moves 6000: the focus at the cut-over lasts until the
    /// recovery timeout, not longer.
    @Test func aMovedUserThatNeverRecoversIsFocusedUntilTheRecoveryTimeoutOnly() async throws {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.ignoreCutovers = true }
        var drill = Self.drill()
        drill.recovery = RecoverySpec(rto: .seconds(5), window: .consecutive(3), timeout: .milliseconds(800))
        let raw = TimedSink()
        let (result, recorder) = await Self.run(drill, storefront: storefront, raw: raw)
        #expect(result.outcome == .fail)
        let deadline = try #require(result.timeline.fault?.ms) + 800
        let atCutover = try #require(recorder.calls.last)
        #expect(abs(atCutover.deadline.milliseconds - deadline) < 0.001)
        #expect(atCutover.ended.isEmpty, "no probe ended it")
        let cutoverStart = try #require(result.timeline.cutoverStart?.ms)
        // How many fine probes go out before the deadline depends on the machine (none, if it stalls for
        // all of it); that none goes out after it does not.
        let focused = raw.samples(of: 6000).filter { $0.focused && $0.sentAt.milliseconds > cutoverStart }
        // Each focused probe's slot was before the deadline (to the microsecond of the result's ms).
        #expect(focused.allSatisfy { ($0.sentAt - $0.lag).milliseconds < deadline + 0.001 })
        #expect(raw.samples(of: 6000).last?.focused == false, "the base interval again after it")
    }

    @Test func theCutOverAnnouncesItsFirstCallOnlyJustBeforeItIsSent() async {
        let plane = CutoverStepsTests.RecordingControlPlane(failing: ["/switch"])
        let client = CutoverClient(
            transport: plane, clock: InstantClock(), redact: { $0 },
            sending: { plane.calls.withLock { $0.append("sending") } })
        let steps = CutoverSpec(steps: [CutoverStepsTests.step("block"), CutoverStepsTests.step("switch")])
        _ = await client.execute(steps, context: CutoverStepsTests.context)
        #expect(plane.calls.withLock { $0 } == ["sending", "POST /block", "POST /switch", "POST /undo-block"])

        plane.calls.withLock { $0 = [] }
        _ = await client.execute(
            CutoverSpec(CutoverAction(call: CutoverStepsTests.post("/move"))), context: .init(environment: { _ in nil })
        )
        #expect(plane.calls.withLock { $0 } == ["sending", "POST /move"])
    }
}

/// A task engine whose focuses are recorded: who, how finely, from when until when, and the sample
/// that ended each user's focus.
final class FocusRecorder: ProbeLauncher {
    struct Call: Sendable {
        var users: [String]
        var interval: Duration
        var deadline: Duration
        /// When the runner asked.
        var at: Duration
        /// The sample that ended each user's focus, by user.
        var ended: [String: ProbeSample] = [:]
    }

    fileprivate let clock: any RunClock
    fileprivate let state = Mutex<[Call]>([])

    init(clock: any RunClock) { self.clock = clock }

    var calls: [Call] { state.withLock { $0 } }

    func start(users: [TestUser], prober: Prober, clock: any RunClock, sink: any ProbeSink) -> any RunningProbes {
        RecordedProbes(
            inner: TaskProbeLauncher().start(users: users, prober: prober, clock: clock, sink: sink), recorder: self)
    }
}

private struct RecordedProbes: RunningProbes {
    let inner: any RunningProbes
    let recorder: FocusRecorder

    func stop() async { await inner.stop() }

    func focus(_ focus: ProbeFocus) {
        let recorder = self.recorder
        let index = recorder.state.withLock { calls in
            calls.append(
                FocusRecorder.Call(
                    users: focus.users, interval: focus.interval, deadline: focus.deadline, at: recorder.clock.now()))
            return calls.count - 1
        }
        var recorded = focus
        recorded.ends = { user, sample in
            let ends = focus.ends(user, sample)
            if ends {
                recorder.state.withLock { calls in
                    if calls[index].ended[user] == nil { calls[index].ended[user] = sample }
                }
            }
            return ends
        }
        inner.focus(recorded)
    }
}
