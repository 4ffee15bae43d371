import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// A run's result as metrics: the Prometheus text of `run --metrics-file` (and `--pushgateway`),
/// the OpenMetrics of `history --metrics`, and what the real promtool says of them.
@Suite struct MetricsExpositionTests {
    static let labels = #"drill="order-unit-failure",target="lab",unit="beijing""#

    @Test func aPassingRunIsExposedLineByLineInTheResultsOwnWords() throws {
        let text = PrometheusExposition.render(RunMetrics(try ResultFixture.result("order-unit-failure")))
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(
            samples == [
                "gameday_outcome{\(Self.labels),outcome=\"pass\"} 1.0",
                "gameday_run_start_timestamp_seconds{\(Self.labels)} 1795253644.919",
                "gameday_run_duration_seconds{\(Self.labels)} 4.994794",
                "gameday_rto_seconds{\(Self.labels)} 1.192634",
                "gameday_rto_goal_seconds{\(Self.labels)} 5.0",
                "gameday_detect_seconds{\(Self.labels)} 0.092649",
                "gameday_decide_seconds{\(Self.labels)} 0.978546",
                "gameday_switch_seconds{\(Self.labels)} 0.060235",
                "gameday_converge_seconds{\(Self.labels)} 0.061205",
                "gameday_rpo_seconds{\(Self.labels)} 0.0",
                "gameday_rpo_goal_seconds{\(Self.labels)} 0.0",
                "gameday_lost_writes{\(Self.labels)} 0.0",
                "gameday_users_impacted{\(Self.labels)} 1.0",
            ])
        // Each family: its HELP, its TYPE, its sample.
        #expect(
            text.hasPrefix(
                """
                # HELP gameday_outcome How the run ended (the outcome label: pass, fail, invalid, error, aborted); always 1.
                # TYPE gameday_outcome gauge
                gameday_outcome{
                """))
        #expect(
            text.contains(
                """
                # HELP gameday_rto_seconds The RTO measured: from the fault to the recovery of every impacted user.
                # TYPE gameday_rto_seconds gauge
                gameday_rto_seconds{\(Self.labels)} 1.192634

                """))
        #expect(text.components(separatedBy: "# TYPE ").count - 1 == samples.count)
    }

    @Test func anAbortedRunHasItsOutcomeAndOnlyWhatItMeasured() throws {
        let metrics = RunMetrics(try ResultFixture.result("storefront-aborted"))
        let text = PrometheusExposition.render(metrics)
        let labels = #"drill="storefront-strong-dependency",target="lab",unit="beijing""#
        #expect(text.contains("gameday_outcome{\(labels),outcome=\"aborted\"} 1.0\n"))
        #expect(text.contains("gameday_run_duration_seconds{\(labels)} 1.732514\n"))
        // Interrupted before recovery: the goal stands, the RTO and its parts were never measured.
        #expect(text.contains("gameday_rto_goal_seconds{\(labels)} 5.0\n"))
        for absent in ["gameday_rto_seconds", "gameday_detect_seconds", "gameday_converge_seconds", "gameday_rpo"] {
            #expect(!text.contains(absent), "\(absent) was not measured")
        }
    }

    @Test func anAbortedRunThatRecoveredBeforeTheInterruptExportsNoRTO() throws {
        var result = try ResultFixture.result("storefront-strong-dependency")
        let measured = RunMetrics(result)
        #expect(measured.value(of: .rto) != nil && measured.value(of: .detect) != nil)
        result.outcome = .aborted
        let metrics = RunMetrics(result)
        for metric in [RunMetric.rto, .detect, .decide, .switchOver, .converge] {
            #expect(metrics.value(of: metric) == nil, "\(metric) of an aborted run")
        }
        #expect(metrics.value(of: .outcome) == 1)
        #expect(metrics.value(of: .rtoGoal) == measured.value(of: .rtoGoal))
        let text = PrometheusExposition.render(metrics)
        #expect(text.contains(#"outcome="aborted"} 1.0"#))
        #expect(!text.contains("gameday_rto_seconds"))
    }

    @Test func aFigureTheRunDidNotMeasureIsAbsentNotZero() throws {
        var result = try ResultFixture.result("order-unit-failure")
        // A run stopped in its steady state: no fault, no recovery, no canaries read back.
        result.outcome = .fail
        result.timeline.fault = nil
        result.rto?.measuredMs = nil
        result.rto?.detectMs = nil
        result.rto?.decideMs = nil
        result.rto?.switchMs = nil
        result.rto?.convergeMs = nil
        result.rpo?.observedMs = nil
        result.durationMs = nil
        let metrics = RunMetrics(result)
        #expect(metrics.samples.map(\.metric) == [.outcome, .runStart, .rtoGoal, .rpoGoal])
        let text = PrometheusExposition.render(metrics)
        #expect(text.contains(#"outcome="fail"} 1.0"#))
        for absent in ["rto_seconds", "rpo_seconds", "lost_writes", "users_impacted", "run_duration"] {
            #expect(!text.contains("gameday_\(absent)"), "\(absent) was not measured")
        }
    }

    @Test func labelValuesAreEscapedInBothFormats() throws {
        var result = try ResultFixture.result("storefront-aborted")
        result.drill.name = "say \"hi\"\nC:\\drills"
        result.target.name = "lab/east"
        let metrics = RunMetrics(result)
        let escaped = #"drill="say \"hi\"\nC:\\drills",target="lab/east",unit="beijing""#
        #expect(PrometheusExposition.render(metrics).contains("gameday_outcome{\(escaped),outcome=\"aborted\"} 1.0\n"))
        #expect(
            OpenMetricsExposition.render([metrics]).contains(
                "gameday_outcome{\(escaped),outcome=\"aborted\"} 1.0 1795253930.271\n"))
    }

    @Test func theBlastRadiusCountsBystandersThatFailedAfterTheFault() throws {
        var result = try ResultFixture.result("storefront-strong-dependency")
        #expect(RunMetrics(result).value(of: .blastRadiusUsers) == nil, "a version-1 result did not count them")
        result.users[1].failuresSinceFault = 3
        result.faults.append(result.faults[0])
        result.faults[1].plan.unit = "alpha"
        let metrics = RunMetrics(result)
        #expect(metrics.value(of: .blastRadiusUsers) == 1)
        #expect(metrics.value(of: .usersImpacted) == 1)
        #expect(metrics.unit == "alpha,beijing")
    }

    @Test func promtoolAcceptsTheTextfile() throws {
        guard let promtool = PrometheusTool.promtool.located(for: "promtoolAcceptsTheTextfile") else { return }
        for name in ["order-unit-failure", "storefront-aborted", "storefront-strong-dependency"] {
            let text = PrometheusExposition.render(RunMetrics(try ResultFixture.result(name)))
            let check = try PrometheusTool.run([promtool, "check", "metrics"], input: text)
            #expect(check.status == 0, "\(name): \(check.output)")
            #expect(check.output.isEmpty, "\(name): promtool's lint: \(check.output)")
        }
    }

    @Test func aMissingToolIsFoundMissingWithItsPackage() {
        guard case .failure(let missing) = PrometheusTool.promtool.find(in: ["/nonexistent"]) else {
            Issue.record("found promtool in a directory that does not exist")
            return
        }
        #expect(missing.reason == "promtool is not installed in /nonexistent (Debian's prometheus package)")
        let here = FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")
        #expect(
            (try? PrometheusTool.promtool.find(in: ["/nonexistent", "/usr/bin"]).get())
                == (here ? "/usr/bin/promtool" : nil))
    }
}
