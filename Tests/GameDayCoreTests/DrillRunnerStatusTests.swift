import GameDayCore
import GameDayTestSupport
import Testing

/// The live status line is paced by the run's clock, as every wait of the run.
@Suite struct DrillRunnerStatusTests {
    @Test func theStatusIsPacedByTheRunsClock() async {
        // An hour between two statuses: on the real clock none would come during the run; the
        // run's clock makes that hour pass in a few milliseconds.
        let log = EventLog(statusInterval: .seconds(3600))
        let (result, _, _) = await DrillRunnerTests.run(DrillRunnerTests.drill(), log: log, clock: HourlessClock())
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(log.lines.contains { $0.hasPrefix("status ") })
    }
}

/// The real clock, except that a wait of more than a minute ends after 5 ms: every wait of the
/// drill is shorter, so only the status's hour is cut short.
private struct HourlessClock: RunClock {
    let clock = ContinuousRunClock()

    func now() -> Duration { clock.now() }

    func sleep(until deadline: Duration) async throws {
        let now = clock.now()
        try await clock.sleep(until: deadline - now > .seconds(60) ? now + .milliseconds(5) : deadline)
    }
}
