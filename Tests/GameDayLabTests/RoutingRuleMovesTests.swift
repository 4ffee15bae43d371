import GameDayCore
import Testing

@testable import GameDayLab

@Suite("Control plane rule arithmetic")
struct RoutingRuleMovesTests {
    let baseline = RoutingRule.storefront

    @Test func movingAUserAddsAnOverrideAndLeavesRangesAlone() {
        let moved = baseline.moving(users: ["6000"], ranges: [], from: "beijing", to: "hangzhou")
        #expect(moved.unit(for: 6000) == "hangzhou")
        #expect(moved.unit(for: 6001) == "beijing")
        #expect(moved.unit(for: 50) == "hangzhou")
        #expect(moved.ranges == baseline.ranges)
        #expect(moved.overrides == ["6000": "hangzhou"])
    }

    @Test func movingAWholeRangeMergesIntoOneRange() {
        let moved = baseline.moving(
            users: [], ranges: [SlotRange(from: 5000, to: 9999)], from: "beijing", to: "hangzhou")
        #expect(moved.ranges == [RouteRange(from: 0, to: 9999, unit: "hangzhou")])
        #expect(moved.unit(for: 16000) == "hangzhou")
    }

    @Test func movingPartOfARangeSplitsIt() {
        let moved = baseline.moving(
            users: [], ranges: [SlotRange(from: 6000, to: 6999)], from: "beijing", to: "hangzhou")
        #expect(
            moved.ranges == [
                RouteRange(from: 0, to: 4999, unit: "hangzhou"), RouteRange(from: 5000, to: 5999, unit: "beijing"),
                RouteRange(from: 6000, to: 6999, unit: "hangzhou"), RouteRange(from: 7000, to: 9999, unit: "beijing"),
            ])
    }

    @Test func onlySlotsOfTheSourceUnitMove() {
        // 4000~5999 spans both units; only beijing's half may change hands.
        let moved = baseline.moving(
            users: [], ranges: [SlotRange(from: 4000, to: 5999)], from: "hangzhou", to: "beijing")
        #expect(moved.unit(for: 4500) == "beijing")
        #expect(moved.unit(for: 5500) == "beijing")
        #expect(moved.unit(for: 3999) == "hangzhou")
    }

    @Test func overridesPinnedToTheSourceFollowARangeMove() {
        var rule = baseline
        rule.overrides = ["1234": "beijing", "7000": "beijing"]
        let moved = rule.moving(users: [], ranges: [SlotRange(from: 5000, to: 9999)], from: "beijing", to: "hangzhou")
        #expect(moved.unit(for: 7000) == "hangzhou")
        #expect(moved.unit(for: 1234) == "beijing", "an override outside the moved range stays")
    }

    @Test func differencesFromTheBaselineAreWhatACutbackMoves() {
        let moved = baseline.moving(
            users: ["6000"], ranges: [SlotRange(from: 9000, to: 9999)], from: "beijing", to: "hangzhou")
        #expect(moved.slotsDiffering(from: baseline) == [SlotRange(from: 9000, to: 9999)])
        #expect(moved.usersDiffering(from: baseline) == ["6000"])
        #expect(baseline.slotsDiffering(from: baseline).isEmpty)
    }
}
