import Synchronization
import Testing

@testable import GameDayCore

/// Whom the runner focuses at each moment, until what, and that each moment is focused once.
@Suite struct RunFocusTests {
    /// Keeps the focuses asked of it.
    final class Focuses: RunningProbes {
        let asked = Mutex<[ProbeFocus]>([])

        func stop() async {}
        func focus(_ focus: ProbeFocus) { asked.withLock { $0.append(focus) } }
    }

    static let drill: Drill = {
        var drill = DrillRunnerFocusTests.drill()
        drill.users = [
            TestUser(id: 6000, impact: .fail, recoversOn: "hangzhou"),
            TestUser(id: 6001, impact: .fail),
            TestUser(id: 6002, impact: .none, recoversOn: "hangzhou"),
            TestUser(id: 50, impact: .none),
            TestUser(id: 51, impact: .any),
        ]
        return drill
    }()

    static func sample(at ms: Int, ok: Bool, unit: String? = nil) -> ProbeSample {
        ProbeSample(sentAt: .milliseconds(ms), unit: unit, ok: ok, focused: true)
    }

    @Test func theFaultFocusesTheUsersExpectedToFailUntilAFailureSentSinceTheStamp() throws {
        let probes = Focuses()
        let focus = try #require(RunFocus(Self.drill, probes: probes))
        focus.fault(at: .milliseconds(1000), within: .seconds(10))
        focus.fault(at: .milliseconds(1500), within: .seconds(10))
        let asked = probes.asked.withLock { $0 }
        try #require(asked.count == 1, "the first fault only")
        let fault = asked[0]
        #expect(fault.users == ["6000", "6001"] && fault.interval == .milliseconds(5))
        #expect(fault.deadline == .milliseconds(11_000))
        #expect(!fault.ends("6000", Self.sample(at: 999, ok: false)), "sent before the stamp: not detect")
        #expect(!fault.ends("6000", Self.sample(at: 1001, ok: true)))
        #expect(fault.ends("6000", Self.sample(at: 1000, ok: false)))
    }

    @Test func theCutOverFocusesTheUsersThatMustRecoverUntilServedByTheirNewUnit() throws {
        let probes = Focuses()
        let focus = try #require(RunFocus(Self.drill, probes: probes))
        focus.cutover(until: .seconds(20))
        focus.cutover(until: .seconds(30))
        let asked = probes.asked.withLock { $0 }
        try #require(asked.count == 1, "the cut-over is focused once")
        let cutover = asked[0]
        #expect(cutover.users == ["6000", "6001", "6002"] && cutover.deadline == .seconds(20))
        #expect(!cutover.ends("6000", Self.sample(at: 1, ok: true, unit: "beijing")), "not moved yet")
        #expect(!cutover.ends("6000", Self.sample(at: 1, ok: false, unit: "hangzhou")))
        #expect(cutover.ends("6000", Self.sample(at: 1, ok: true, unit: "hangzhou")))
        #expect(cutover.ends("6001", Self.sample(at: 1, ok: true, unit: "beijing")), "any unit when it names none")
        #expect(!cutover.ends("6002", Self.sample(at: 1, ok: true, unit: "beijing")))
    }

    @Test func noFocusWhenItIsOffOrNoFinerThanTheProbes() {
        var drill = Self.drill
        drill.probe.focusInterval = nil
        #expect(RunFocus(drill, probes: Focuses()) == nil)
        drill.probe.focusInterval = drill.probe.interval
        #expect(RunFocus(drill, probes: Focuses()) == nil)
    }
}
