import Foundation
import Testing

@testable import GameDayCore

/// The timeline chart: its time scale, the moments drawn where their times fall, lanes per user or
/// per group, and what it leaves out when the run never got that far.
@Suite struct HTMLReportTimelineTests {
    @Test func theScaleMapsRunTimeOntoTheChartAndKeepsItInside() {
        let scale = TimeScale(endMs: 4000, left: 240, right: 1040)
        #expect(scale.x(0) == 240)
        #expect(scale.x(4000) == 1040)
        #expect(scale.x(1000) == 440)
        #expect(scale.x(2500) == 740)
        #expect(scale.x(-50) == 240)
        #expect(scale.x(9000) == 1040)
        #expect(scale.ticks == [0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000])
        #expect(TimeScale(endMs: 95_000, left: 0, right: 1).tickStep() == 10_000)
        #expect([0, 250, 1500, 2000, 90_000].map(TimeScale.label) == ["0s", "0.25s", "1.5s", "2s", "90s"])
    }

    @Test func eachMomentIsALineAtTheXItsTimeImplies() throws {
        let result = try HTMLReportTests.result("storefront-strong-dependency")
        let chart = TimelineChart(result, palette: ReportPalette(result))
        let svg = chart.svg()
        // The chart runs to the end of the run (the RTO goal falls far past it, and is written at the edge).
        #expect(chart.scale.endMs == result.durationMs)
        let expected: [(String, Double?)] = [
            ("fault", result.timeline.fault?.ms), ("detect", result.timeline.detect?.ms),
            ("cutover-start", result.timeline.cutoverStart?.ms), ("cutover-done", result.timeline.cutoverDone?.ms),
            ("recovered", result.timeline.recovered?.ms), ("reverted", result.timeline.reverted?.ms),
            ("cutback-done", result.cutback?.doneMs),
        ]
        for (kind, ms) in expected {
            let ms = try #require(ms, "the fixture has no \(kind)")
            let line = try #require(SVGScan.element("line", class: "mark mark-\(kind)", in: svg), "no \(kind) mark")
            let x = (TimelineChart.left + ms / chart.scale.endMs * (TimelineChart.right - TimelineChart.left))
            #expect(SVGScan.attribute("x1", of: line) == ReportText.number(x), "\(kind) at \(ms)ms")
            #expect(SVGScan.attribute("x2", of: line) == SVGScan.attribute("x1", of: line))
        }
        for label in ["fault applied +1.054s", "cut-over start +2.098s", "cut-over done +2.167s", "recovered +2.151s"] {
            #expect(svg.contains(">\(label)</text>"), "no label \(label)")
        }
        let bracket = try #require(SVGScan.element("line", class: "rto-bracket", in: svg))
        let fault = try #require(result.timeline.fault?.ms)
        let recovered = try #require(result.timeline.recovered?.ms)
        #expect(SVGScan.attribute("x1", of: bracket) == ReportText.number(chart.scale.x(fault)))
        #expect(SVGScan.attribute("x2", of: bracket) == ReportText.number(chart.scale.x(recovered)))
        #expect(svg.contains("RTO goal at +6.054s, past the end →"))
    }

    @Test func aGoalCloseToTheEndWidensTheChartAndIsDrawnRedWhenMissed() throws {
        var result = try HTMLReportTests.result("storefront-strong-dependency")
        var rto = try #require(result.rto)
        (rto.goalMs, rto.met) = (400, false)
        result.rto = rto
        let chart = TimelineChart(result, palette: ReportPalette(result))
        let svg = chart.svg()
        let goal = try #require(SVGScan.element("line", class: "rto-goal", in: svg))
        let fault = try #require(result.timeline.fault?.ms)
        #expect(SVGScan.attribute("x1", of: goal) == ReportText.number(chart.scale.x(fault + 400)))
        #expect(SVGScan.attribute("stroke", of: goal) == ReportPalette.failed)
        #expect(svg.contains("RTO 1.097s · goal 400ms · MISSED"))
    }

    @Test func phasesAreBandsNamedOnTheChart() throws {
        let result = try HTMLReportTests.result("order-unit-failure")
        let svg = TimelineChart(result, palette: ReportPalette(result)).svg()
        for phase in result.phases { #expect(svg.contains(">\(phase.name)</text>"), "no band for \(phase.name)") }
    }

    @Test func aRunStoppedBeforeItsFaultHasNoMomentsAndSaysWhy() throws {
        var result = try HTMLReportTests.result("storefront-aborted")
        result.phases = Array(result.phases.prefix(2))
        result.timeline = TimelineRecord()
        result.faults = []
        (result.cutover, result.cutback, result.rto, result.rpo) = (nil, nil, nil, nil)
        result.reason = "interrupted during the steady state: every fault was reverted before exiting"
        let html = HTMLReport.render(result)
        #expect(!html.contains("class=\"mark "))
        #expect(!html.contains("rto-bracket"))
        #expect(html.contains("No RTO: the run ended before recovery (interrupted during the steady state"))
        #expect(html.contains("No fault was applied."))
        #expect(html.contains("No cut-over was requested."))
        #expect(
            html.contains("<td><code>T_fault</code></td><td>first fault applied</td><td class=\"num\">not reached</td>")
        )
    }

    @Test func anAbortedRunsMissingRTOIsNotMeasuredRatherThanMissed() throws {
        let result = try HTMLReportTests.result("storefront-aborted")
        #expect(result.outcome == .aborted && result.rto?.measuredMs == nil && result.timeline.fault != nil)
        let html = HTMLReport.render(result)
        #expect(html.contains("not measured: the run ended before recovery"))
        #expect(!html.contains("not recovered"))
        #expect(html.contains("<div class=\"outcome aborted\">ABORTED</div>"))
    }

    @Test func aRunWithoutUsersStillDraws() throws {
        var result = try HTMLReportTests.result("storefront-strong-dependency")
        (result.users, result.groups) = ([], [])
        let html = HTMLReport.render(result)
        #expect(html.contains("no test user was probed"))
        #expect(html.contains("The run had no test users."))
    }

    @Test func generatedGroupsAreDrawnAsGroups() throws {
        let result = try HTMLReportTests.result("storefront-range-cutover")
        #expect(result.users.count == 20)
        let lanes = TimelineLanes(result)
        #expect(lanes.byGroup)
        #expect(lanes.lanes.map(\.label) == ["beijing-sample · 10 users", "hangzhou-sample · 10 users"])
        // A bucket where 3 of 10 probes failed is drawn 30% red.
        let bucket = try #require(result.groups[0].buckets.first { $0.failed == 3 && $0.ok == 7 })
        let stretch = try #require(lanes.lanes[0].stretches.first { $0.fromMs == bucket.fromMs })
        #expect(stretch.failedShare == 0.3)
        let html = HTMLReport.render(result)
        #expect(html.contains("<h2>Groups</h2>"))
        #expect(html.contains("One lane per user group"))
    }

    @Test func listedUsersPastTwentyAreDrawnByGroupAndWithoutGroupsUpToALimit() throws {
        let base = try HTMLReportTests.result("storefront-strong-dependency")
        var many = base
        many.users = (0..<25).map { index in
            var user = base.users[index % 2]
            user.id = "\(1000 + index)"
            return user
        }
        // An older result has no groups: one lane per user.
        many.groups = []
        let byUser = TimelineLanes(many)
        #expect(!byUser.byGroup)
        #expect(byUser.lanes.count == 25)
        // With groups (each listed user one of its own), groups past 20 users.
        let group = try #require(
            try HTMLReportTests.result("order-unit-failure").groups.first, "the order run archives groups")
        many.groups = many.users.map { user in
            var one = group
            (one.name, one.users) = (user.name, [user.id])
            return one
        }
        let byGroup = TimelineLanes(many)
        #expect(byGroup.byGroup)
        #expect(byGroup.lanes.count == 25)
        // Without groups, lanes stop at the limit and say how many are left out.
        many.groups = []
        many.users = (0..<75).map { index in
            var user = base.users[0]
            user.id = "\(index)"
            return user
        }
        let lanes = TimelineLanes(many)
        #expect(lanes.lanes.count == TimelineLanes.limit)
        #expect(lanes.hidden == 75 - TimelineLanes.limit)
        #expect(TimelineChart(many, palette: ReportPalette(many)).svg().contains("… and 15 more users, not drawn"))
    }

    /// Three units: each its own colour in the lanes, and a group's tooltip naming all three.
    @Test func threeUnitsAreThreeColoursAndALaneNamesEachUnitThatServedIt() throws {
        var result = try HTMLReportTests.result("storefront-range-cutover")
        let index = try #require(result.groups[0].buckets.firstIndex { $0.ok + $0.failed == 10 })
        result.groups[0].buckets[index].units = ["beijing": 4, "hangzhou": 3, "shenzhen": 3]
        let from = result.groups[0].buckets[index].fromMs
        let palette = ReportPalette(result)
        #expect(Set(palette.unitOrder) == ["beijing", "hangzhou", "shenzhen"])
        let colours = palette.unitOrder.map { palette.colour(of: $0) }
        #expect(Set(colours).count == 3 && !colours.contains(ReportPalette.noAnswer), "\(colours)")
        let svg = TimelineChart(result, palette: palette).svg()
        for colour in colours { #expect(svg.contains("fill=\"\(colour)\""), "no band drawn in \(colour)") }
        #expect(
            svg.contains("from \(ReportText.offset(from)); served by beijing 4, hangzhou 3, shenzhen 3</title>"),
            "no lane tooltip names the three units")
    }

    @Test func labelsOnTheSameRowNeverOverlap() {
        let extents: [ClosedRange<Double>] = [0...100, 50...120, 104...150, 110...200, 300...310]
        let rows = LabelRows.place(extents, gap: 4)
        #expect(rows == [0, 1, 0, 2, 0])
        for a in extents.indices {
            for b in extents.indices where a < b && rows[a] == rows[b] {
                #expect(!extents[a].overlaps(extents[b]), "\(extents[a]) and \(extents[b]) share row \(rows[a])")
            }
        }
    }
}
