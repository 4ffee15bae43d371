import GameDayCore
import Testing

@Suite struct RoutingRuleTests {
    let rule = RoutingRule(
        ranges: [RouteRange(from: 0, to: 4999, unit: "hangzhou"), RouteRange(from: 5000, to: 9999, unit: "beijing")],
        overrides: [6001: "hangzhou", 50: "beijing"])

    @Test(arguments: [
        (6000, "beijing"),
        (51, "hangzhou"),
        (0, "hangzhou"),
        (4999, "hangzhou"),
        (5000, "beijing"),
        (9999, "beijing"),
        (16000, "beijing"),
        (14999, "hangzhou"),
    ])
    func routesByModuloAndRange(userId: Int, unit: String) {
        #expect(rule.unit(for: userId) == unit)
    }

    @Test func storefrontRuleMatchesTheArticles() {
        #expect(RoutingRule.storefront.unit(for: 6000) == "beijing")
        #expect(RoutingRule.storefront.unit(for: 50) == "hangzhou")
        #expect(RoutingRule.storefront.unit(for: 4999) == "hangzhou")
        #expect(RoutingRule.storefront.unit(for: 5000) == "beijing")
        #expect(RoutingRule.storefront.unit(for: 16000) == "beijing")
    }

    @Test func overridesComeBeforeRanges() {
        #expect(rule.unit(for: 6001) == "hangzhou")
        #expect(rule.unit(for: 50) == "beijing")
        // An override is for one user id, not for its slot.
        #expect(rule.unit(for: 16001) == "beijing")
    }

    @Test func firstMatchingRangeWins() {
        let overlapping = RoutingRule(ranges: [
            RouteRange(from: 0, to: 100, unit: "a"), RouteRange(from: 50, to: 9999, unit: "b"),
        ])
        #expect(overlapping.unit(for: 75) == "a")
        #expect(overlapping.unit(for: 101) == "b")
    }

    @Test func uncoveredSlotsRouteNowhere() {
        let partial = RoutingRule(ranges: [RouteRange(from: 0, to: 99, unit: "a")])
        #expect(partial.unit(for: 100) == nil)
    }

    @Test func listsUnitsInOrderOfFirstUse() {
        let rule = RoutingRule(
            ranges: [RouteRange(from: 0, to: 10, unit: "b"), RouteRange(from: 11, to: 20, unit: "a")],
            overrides: [7: "c", 3: "a"])
        #expect(rule.units == ["b", "a", "c"])
    }
}
