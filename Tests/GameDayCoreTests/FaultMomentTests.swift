import GameDayCore
import GameDayTestSupport
import Synchronization
import Testing

/// The moment of a fault: the start of its effecting action, and the bracket its return closes.
@Suite struct FaultMomentTests {
    @Test func stampsImmediatelyBeforeTheActionAndWhenItReturned() async {
        let clock = InstantClock(start: .milliseconds(100))
        let moment = FaultMoment(clock: clock)
        #expect(moment.stamp == nil, "nothing ran yet")
        let done = await moment.effect {
            clock.advance(by: .milliseconds(4))  // the action takes 4 ms
            return "sent"
        }
        #expect(done == "sent")
        #expect(moment.stamp == FaultMoment.Stamp(at: .milliseconds(100), returned: .milliseconds(104)))
        #expect(moment.stamp?.duration == .milliseconds(4))
    }

    @Test func onManyHostsTheEarliestStartAndTheEarliestReturnCount() async {
        let clock = InstantClock()
        let moment = FaultMoment(clock: clock)
        clock.advance(by: .milliseconds(10))
        await moment.effect { clock.advance(by: .milliseconds(30)) }  // 10 → 40
        await moment.effect { clock.advance(by: .milliseconds(1)) }  // 40 → 41
        #expect(moment.stamp == FaultMoment.Stamp(at: .milliseconds(10), returned: .milliseconds(40)))
    }

    @Test func anActionThatFailedStampsItsStartButClosesNoBracket() async {
        struct Refused: Error {}
        let clock = InstantClock(start: .seconds(1))
        let moment = FaultMoment(clock: clock)
        await #expect(throws: Refused.self) {
            try await moment.effect { () async throws(Refused) in throw Refused() }
        }
        // The signal may or may not have gone out: the start stands, the effect's end is unknown.
        #expect(moment.stamp == FaultMoment.Stamp(at: .seconds(1), returned: nil))
    }

    @Test func theRunnersStampIsTheOneTaken() async {
        let clock = InstantClock(start: .seconds(2))
        let marked = MarkCounter()
        let moment = FaultMoment(clock: clock, stamp: { marked.mark(clock.now()) })
        await moment.effect {}
        #expect(marked.count == 1)
        #expect(moment.stamp?.at == .seconds(2))
    }
}

/// Counts the runner's marks (the sample store's, in a run).
final class MarkCounter: Sendable {
    private let marks = Mutex(0)

    var count: Int { marks.withLock { $0 } }

    func mark(_ time: Duration) -> Duration {
        marks.withLock { $0 += 1 }
        return time
    }
}
