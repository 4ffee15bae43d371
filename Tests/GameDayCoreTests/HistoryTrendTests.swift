import Foundation
import Testing

@testable import GameDayCore

/// The RTO trend's arithmetic: median, direction with its two thresholds, and the sparkline.
@Suite struct HistoryTrendTests {
    /// Runs of one drill a day apart, oldest first, with these RTOs (nil: none measured).
    static func trend(_ rtos: [Double?], interval: Double = 100) -> RTOTrend {
        let runs = rtos.enumerated().map { day, rto in
            PastRun(
                path: "r\(day)", started: Date(timeIntervalSince1970: Double(day) * 86_400),
                result: .sample(runId: "r\(day)", rto: rto, interval: interval))
        }
        return RTOTrend(drill: "d", oldestFirst: runs)
    }

    @Test func theLastIsComparedWithTheMedianOfTheRunsBefore() throws {
        let trend = Self.trend([1000, 3000, 1100, 1200, 1800])
        #expect(trend.previousMedian == 1150)
        #expect(trend.median == 1200)
        #expect(trend.min == 1000)
        #expect(trend.max == 3000)
        #expect(trend.change == 650)
        #expect(trend.direction == .worse)
        #expect(HistoryTable.direction(trend) == "worse: +650ms against the median of the 4 before")
    }

    @Test func aDropBeyondBothThresholdsIsBetter() {
        let trend = Self.trend([2000, 2100, 1900, 1500])
        #expect(trend.direction == .better)
        #expect(HistoryTable.direction(trend) == "better: −500ms against the median of the 3 before")
    }

    @Test func withinTenPercentIsSteady() {
        #expect(Self.trend([2000, 2000, 2190]).direction == .steady)
        #expect(Self.trend([2000, 2000, 2210]).direction == .worse)
    }

    @Test func withinOneProbeIntervalIsSteadyEvenAboveTenPercent() {
        // 300ms → 380ms is 27% more, but the RTO is only measured to one 100ms interval.
        #expect(Self.trend([300, 300, 380]).direction == .steady)
        #expect(Self.trend([300, 300, 380], interval: 50).direction == .worse)
    }

    @Test func runsWithoutAnRTOCountButCarryNoNumber() {
        let trend = Self.trend([1000, nil, 1500, nil])
        #expect(trend.runs == 4)
        #expect(trend.last == 1500)
        #expect(trend.previousMedian == 1000)
        #expect(trend.direction == .worse)
        #expect(trend.sparkline == "▆·█·")
    }

    /// An RTO cut short by Ctrl-C says nothing about the system: interrupted runs are left out.
    @Test func interruptedRunsAreLeftOutOfTheTrend() {
        let runs = [1000.0, 1100, 9000].enumerated().map { day, rto in
            var result = ArchivedRun.sample(runId: "r\(day)", rto: rto)
            if day == 2 { result.outcome = "aborted" }
            return PastRun(path: "r\(day)", started: Date(timeIntervalSince1970: Double(day) * 86_400), result: result)
        }
        let trend = RTOTrend(drill: "d", oldestFirst: runs)
        #expect(trend.runs == 2)
        #expect(trend.series == [1000, 1100])
        #expect(trend.last == 1100)
    }

    @Test func fewerThanTwoRTOsHaveNoDirection() {
        #expect(Self.trend([nil, nil]).direction == nil)
        #expect(HistoryTable.direction(Self.trend([nil, nil])) == "no RTO measured")
        #expect(Self.trend([1200]).direction == nil)
        #expect(HistoryTable.direction(Self.trend([1200])) == "first RTO measured")
    }

    @Test func theSparklineIsScaledFromZeroToTheHighest() {
        #expect(Self.trend([100, 200, 300, 400, 500, 600, 700, 800]).sparkline == "▂▃▄▅▅▆▇█")
        #expect(Self.trend([1000, 1000, 1000]).sparkline == "███")
        #expect(Self.trend([0, 400]).sparkline == "▁█", "a zero RTO is the lowest block")
        #expect(Self.trend([]).sparkline.isEmpty)
    }

    @Test func theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        #expect(RTOTrend.median([4, 1, 3, 2]) == 2.5)
        #expect(RTOTrend.median([5, 1, 3]) == 3)
        #expect(RTOTrend.median([Double]()) == nil)
    }
}
