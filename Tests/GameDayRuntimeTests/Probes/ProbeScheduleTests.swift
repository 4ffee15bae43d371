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
}
