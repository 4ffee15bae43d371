import GameDayCore
import Testing

/// Timeline and verdict logic on samples stamped by a fake clock.
@Suite struct ImpactAnalysisTests {
    /// Samples every 100 ms from `start`, one per outcome: `"."` ok on `unit`, `"x"` failed, `"h"` ok on hangzhou.
    static func samples(_ pattern: String, start: Duration = .zero, unit: String = "beijing") -> [ProbeSample] {
        pattern.enumerated().map { index, mark in
            let at = start + .milliseconds(100 * index)
            switch mark {
            case "x":
                return ProbeSample(
                    sentAt: at, latency: .milliseconds(2), status: 503, unit: unit, ok: false, failure: "status 503")
            case "h": return ProbeSample(sentAt: at, latency: .milliseconds(3), status: 200, unit: "hangzhou", ok: true)
            default: return ProbeSample(sentAt: at, latency: .milliseconds(1), status: 200, unit: unit, ok: true)
            }
        }
    }

    @Test func findsTheFirstFailureAndTheSustainedRecoveryOnTheNewUnit() {
        // 0..400ms healthy, fault at 450ms, failing 500..900, hangzhou from 1000.
        let samples = Self.samples(".....xxxxxhhhhhhh")
        let impact = ImpactAnalysis.analyse(
            samples, from: .milliseconds(450), until: nil, window: .consecutive(5), recoveryUnit: "hangzhou")
        #expect(impact.firstFailure == .milliseconds(500))
        #expect(impact.failures == 5)
        #expect(impact.samples == 12)
        #expect(impact.firstOk == .milliseconds(1000))
        #expect(impact.recovered == .milliseconds(1000))
        // The window's fifth sample was sent at 1400 ms and answered 3 ms later.
        #expect(impact.confirmed == .milliseconds(1403))
    }

    @Test func aFlapResetsTheConsecutiveWindow() {
        let samples = Self.samples("xxhhxhhhhhh")
        let impact = ImpactAnalysis.analyse(
            samples, from: .zero, until: nil, window: .consecutive(5), recoveryUnit: "hangzhou")
        #expect(impact.firstOk == .milliseconds(200))
        #expect(impact.recovered == .milliseconds(500))
    }

    @Test func kOfNToleratesOneFailureInTheWindow() {
        let samples = Self.samples("xxhhxhhh")
        let impact = ImpactAnalysis.analyse(
            samples, from: .zero, until: nil, window: .kOfN(k: 4, n: 5), recoveryUnit: "hangzhou")
        #expect(impact.recovered == .milliseconds(200))
    }

    @Test func successesOnTheOldUnitDoNotCountAsRecovery() {
        // Served again by beijing (the faulted unit) after the failure: not the cut-over the drill expects.
        let samples = Self.samples("xx.......")
        let impact = ImpactAnalysis.analyse(
            samples, from: .zero, until: nil, window: .consecutive(3), recoveryUnit: "hangzhou")
        #expect(impact.firstFailure == .zero)
        #expect(impact.firstOk == nil)
        #expect(impact.recovered == nil)
    }

    @Test func aUserThatNeverFailedHasNoRecovery() {
        let impact = ImpactAnalysis.analyse(
            Self.samples("......"), from: .zero, until: nil, window: .consecutive(3), recoveryUnit: nil)
        #expect(impact.firstFailure == nil)
        #expect(impact.failures == 0)
        #expect(impact.recovered == nil)
    }

    @Test func samplesAfterTheRevertAreNotImpact() {
        let impact = ImpactAnalysis.analyse(
            Self.samples("..xxxx"), from: .milliseconds(100), until: .milliseconds(300), window: .consecutive(3),
            recoveryUnit: nil)
        #expect(impact.failures == 1)
        #expect(impact.samples == 2)
    }

    @Test func segmentsFoldRunsOfTheSameOutcomeAndUnit() {
        let segments = TimelineSegment.segments(of: Self.samples("..xxhh"))
        #expect(segments.map(\.samples) == [2, 2, 2])
        #expect(segments.map(\.ok) == [true, false, true])
        #expect(segments.map(\.unit) == ["beijing", "beijing", "hangzhou"])
        #expect(segments[1].from == .milliseconds(200))
        #expect(segments[1].to == .milliseconds(302))
        #expect(segments[1].failure == "status 503")
    }

    @Test func rtoBreakdownAddsUpToTheMeasuredRTO() {
        let rto = RTOBreakdown.measure(
            fault: .milliseconds(1000), detect: .milliseconds(1100), cutoverStart: .milliseconds(2000),
            cutoverDone: .milliseconds(2300), recovered: .milliseconds(2400))
        #expect(rto.measured == .milliseconds(1400))
        #expect(rto.detect == .milliseconds(100))
        #expect(rto.decide == .milliseconds(900))
        #expect(rto.switchOver == .milliseconds(300))
        #expect(rto.converge == .milliseconds(100))
    }

    @Test func recoverySeenBeforeTheControlPlaneSaysDoneEndsTheSwitchThere() {
        let rto = RTOBreakdown.measure(
            fault: .zero, detect: .milliseconds(100), cutoverStart: .milliseconds(1000),
            cutoverDone: .milliseconds(1500), recovered: .milliseconds(1300))
        #expect(rto.switchOver == .milliseconds(300))
        #expect(rto.converge == .zero)
        #expect(rto.measured == .milliseconds(1300))
    }
}
