import GameDayCore
import Testing

@testable import GameDayRuntime

@Suite struct ProbeScheduleTests {
    @Test func usersAreSpreadEvenlyOverTheFirstInterval() {
        var schedule = ProbeSchedule(start: .seconds(5), interval: .milliseconds(100), users: 4)
        var slots: [(Int, Duration)] = []
        for _ in 0..<8 {
            slots.append(schedule.upcoming)
            schedule.advance()
        }
        #expect(slots.map(\.0) == [0, 1, 2, 3, 0, 1, 2, 3])
        #expect(slots.map(\.1) == [5000, 5025, 5050, 5075, 5100, 5125, 5150, 5175].map { .milliseconds($0) })
    }

    @Test func aStallSkipsAllButEachUsersLatestMissedSlot() {
        var schedule = ProbeSchedule(start: .zero, interval: .milliseconds(100), users: 4)
        // Not a stall yet: the next slot is less than one interval late.
        #expect(schedule.skipStall(now: .milliseconds(90)) == 0)
        #expect(schedule.upcoming.due == .zero)
        // Woken at 1.03 s: slots due before 0.93 s are dropped; 0.95, 0.975, 1.0 and 1.025 remain.
        #expect(schedule.skipStall(now: .milliseconds(1030)) == 38)
        #expect(schedule.upcoming.user == 2)
        #expect(schedule.upcoming.due == .milliseconds(950))
    }

    @Test func theFirstSlotOfAUserThatWouldSendIsFoundWithinARound() {
        var schedule = ProbeSchedule(start: .zero, interval: .milliseconds(100), users: 4)
        schedule.advance()
        #expect(schedule.firstDue { _ in true } == .milliseconds(25))
        // Users 1 and 2 at their bound: user 3 is next, then user 0 of the next round.
        #expect(schedule.firstDue { $0 == 3 } == .milliseconds(75))
        #expect(schedule.firstDue { $0 == 0 } == .milliseconds(100))
        #expect(schedule.firstDue { _ in false } == nil)
        // Looking ahead moves nothing.
        #expect(schedule.upcoming.user == 1)
    }
}

@Suite struct FocusScheduleTests {
    @Test func aFocusSpreadsItsUsersOverItsIntervalAndANewerOneHasItsOwnGeneration() {
        var schedule = FocusSchedule()
        let first = schedule.start(users: [7, 3], interval: .milliseconds(10), now: .seconds(1))
        let second = schedule.start(users: [5], interval: .milliseconds(4), now: .milliseconds(1002))
        #expect(second == first + 1)
        var slots: [FocusSchedule.Slot] = []
        while let slot = schedule.popDue(now: .seconds(2)) { slots.append(slot) }
        #expect(slots.map(\.user) == [7, 5, 3])
        #expect(slots.map(\.due) == [.milliseconds(1000), .milliseconds(1002), .milliseconds(1005)])
        #expect(slots.map(\.generation) == [first, second, first])
        #expect(schedule.popDue(now: .seconds(2)) == nil)
    }

    @Test func theNextSlotComesAnIntervalLaterOrAfterAStallTheLatestMissedOne() throws {
        var schedule = FocusSchedule()
        _ = schedule.start(users: [0], interval: .milliseconds(10), now: .zero)
        let first = schedule.popDue(now: .zero)
        let slot = try #require(first)
        #expect(schedule.popDue(now: .zero) == nil)
        schedule.schedule(after: slot, interval: .milliseconds(10), now: .milliseconds(5))
        #expect(schedule.upcoming?.due == .milliseconds(10))
        let second = schedule.popDue(now: .milliseconds(10))
        let next = try #require(second)
        // Woken 95 ms late: the slots before 95 ms are dropped, the one at 100 ms is next.
        schedule.schedule(after: next, interval: .milliseconds(10), now: .milliseconds(105))
        #expect(schedule.upcoming?.due == .milliseconds(100))
    }
}
