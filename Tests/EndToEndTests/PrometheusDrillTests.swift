import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Drills judged by the lab's own metrics: the built binary against `lab up --prometheus` (a real
/// Prometheus scraping every lab service each second).
@Suite(
    .serialized,
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus"),
        "needs Debian's prometheus (scripts/setup.sh installs it)"))
struct PrometheusDrillTests {
    @Test func theGuardrailDrillPassesWithEveryCheckEvaluatedInItsPhases() async throws {
        try await TestLab.withLab(prometheus: true) { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            // Its figures pushed to the lab's Pushgateway, which the lab's Prometheus scrapes.
            let pushgateway = try #require(lab.pushgatewayURL)
            let run = try await DrillRun.run(
                DrillRun.shipped("storefront-prometheus-guardrail"), lab: lab, output: output,
                extra: ["--pushgateway", pushgateway])
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .pass, "\(result.reason ?? "")")
            for name in [
                "check lab-scraped steady_state", "check hangzhou-5xx steady_state", "check hangzhou-5xx guardrail",
                "check hangzhou-5xx recovery", "check beijing-5xx-stopped recovery",
            ] {
                #expect(run.verdict(name)?.status == .pass, "\(name): \(run.verdict(name)?.message ?? "missing")")
            }
            let guardrail = try #require(result.checks.first { $0.name == "hangzhou-5xx" })
            #expect(guardrail.query.hasPrefix(#"sum(rate(lab_http_requests_total{service="gateway",unit="hangzhou""#))
            let during = guardrail.evaluations.filter { $0.phase == .guardrail }
            #expect(!during.isEmpty && during.allSatisfy { $0.status == .pass })
            let fault = try #require(result.timeline.fault?.ms)
            let reverted = try #require(result.timeline.reverted?.ms)
            #expect(during.allSatisfy { $0.atMs >= fault - 1 && $0.atMs <= reverted }, "\(during.map(\.atMs))")
            // Beijing's 5xx were real, and had stopped before recovery was confirmed.
            let stopped = try #require(result.checks.first { $0.name == "beijing-5xx-stopped" })
            #expect(stopped.evaluations.last?.status == .pass && stopped.evaluations.last?.value == 0)

            let directory = try #require(run.resultPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent() })
            let junit = try String(contentsOf: directory.appendingPathComponent("junit.xml"), encoding: .utf8)
            #expect(junit.contains(#"name="check hangzhou-5xx guardrail""#))
            let report = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(report.contains("<h2>Metric checks</h2>") && report.contains("class=\"check-pass\""))

            // Read back through Prometheus's own API: the RTO it scraped from the Pushgateway is the result's.
            let measured = try #require(result.rto?.measuredMs)
            let query = #"gameday_rto_seconds{drill="storefront-prometheus-guardrail",target="lab",job="gameday"}"#
            var scraped: [PrometheusSample] = []
            let deadline = ContinuousClock.now + .seconds(20)
            while scraped.isEmpty, ContinuousClock.now < deadline {
                scraped = try await lab.prometheusQuery(query)
                if scraped.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
            }
            let sample = try #require(scraped.first, "Prometheus never showed \(query)")
            #expect(abs(sample.value - measured / 1000) < 1e-6, "\(sample.value) vs \(measured) ms")
            #expect(sample.labels["unit"] == "beijing")
            let outcome = try await lab.prometheusQuery(#"gameday_outcome{drill="storefront-prometheus-guardrail"}"#)
            #expect(outcome.map { $0.labels["outcome"] } == ["pass"] && outcome.first?.value == 1)
        }
    }

    @Test func aBreachedGuardrailAbortsAndRevertsWithinTwoEvaluationIntervals() async throws {
        try await TestLab.withLab(prometheus: true) { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let productBefore = try #require(try lab.pid(of: "beijing-product"))
            let run = try await DrillRun.run(
                DrillRun.shipped("storefront-prometheus-guardrail-breached"), lab: lab, output: output)
            #expect(run.output.exitCode == 1, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .fail)
            let reason = result.reason ?? ""
            #expect(reason.contains("guardrail check storefront-5xx breached at +"), "\(reason)")
            #expect(reason.contains("is not < 0.5") && reason.hasSuffix("aborted and reverted"), "\(reason)")
            #expect(run.verdict("check storefront-5xx guardrail")?.status == .fail)

            let check = try #require(result.checks.first)
            let breach = try #require(check.evaluations.first { $0.counts == .fail })
            #expect(breach.phase == .guardrail && breach.status == .fail && (breach.value ?? 0) >= 0.5)
            let rollback = try #require(result.phases.first { $0.name == .rollback }?.startedMs)
            #expect(rollback - breach.atMs <= 2 * check.everyMs, "breach at \(breach.atMs), rollback at \(rollback)")
            // Not a second evaluation after the breach: the run stopped at once.
            #expect(check.evaluations.filter { $0.phase == .guardrail && $0.atMs > breach.atMs }.isEmpty)

            // The fault was reverted: product runs again (a new process) and the users are served.
            let productAfter = try #require(try lab.pid(of: "beijing-product"))
            #expect(productAfter != productBefore)
            #expect(run.verdict("rollback")?.status == .pass, "\(run.verdict("rollback")?.message ?? "")")
        }
    }

    @Test func anUnreachablePrometheusOrAQueryThatDoesNotParseStopsThePreflight() async throws {
        try await TestLab.withLab(prometheus: true) { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let productBefore = try #require(try lab.pid(of: "beijing-product"))
            // A query Prometheus itself refuses to parse.
            let bad = try DrillRun.variant(
                of: "storefront-prometheus-guardrail", in: output,
                replacing: [("query: min(up)", "query: min(up{)")])
            let refused = try await DrillRun.run(bad, lab: lab, output: output)
            #expect(refused.output.exitCode == 3, "\(refused.output.transcript)")
            #expect(
                refused.result?.reason?.contains("check lab-scraped: the query does not parse: ") == true,
                "\(refused.result?.reason ?? refused.output.transcript)")

            // Prometheus gone: a target naming a port nothing listens on.
            let prometheusURL = try #require(lab.prometheusURL)
            let closed = "http://127.0.0.1:\(try freePort())"
            let target = try String(contentsOfFile: lab.targetPath, encoding: .utf8)
            #expect(target.contains(prometheusURL))
            let elsewhere = "\(output)/target-no-prometheus.yaml"
            try target.replacingOccurrences(of: prometheusURL, with: closed).write(
                toFile: elsewhere, atomically: true, encoding: .utf8)
            let unreachable = try await DrillRun.run(
                DrillRun.shipped("storefront-prometheus-guardrail"), lab: lab, output: output, target: elsewhere)
            #expect(unreachable.output.exitCode == 3, "\(unreachable.output.transcript)")
            #expect(
                unreachable.result?.reason?.contains("check lab-scraped: Prometheus at \(closed) did not answer")
                    == true,
                "\(unreachable.result?.reason ?? unreachable.output.transcript)")
            // The plan shows each query as it will be sent, and where.
            let plan = try await ChildProcess.run([
                lab.binary, "plan", DrillRun.shipped("storefront-prometheus-guardrail"), "--target", lab.targetPath,
            ])
            #expect(plan.exitCode == 0, "\(plan.transcript)")
            #expect(plan.stdout.contains("evaluate every check once on Prometheus at \(prometheusURL)"))
            #expect(
                plan.stdout.contains(
                    #"     beijing-5xx-stopped: sum(rate(lab_http_requests_total{service="gateway",unit="beijing",code=~"5.."}[2s])) or vector(0) == 0, every 1s"#
                ), "\(plan.stdout)")

            // Neither touched the lab.
            #expect(try lab.pid(of: "beijing-product") == productBefore)
        }
    }
}
