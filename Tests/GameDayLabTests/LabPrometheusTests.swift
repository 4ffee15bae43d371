import Foundation
import GameDayCore
import GameDayLab
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Debian's Prometheus and Pushgateway, which `lab up --prometheus` runs.
private let prometheusInstalled =
    FileManager.default.isExecutableFile(atPath: LabPrometheus.prometheusProgram)
    && FileManager.default.isExecutableFile(atPath: LabPrometheus.pushgatewayProgram)

extension LabIntegration {
    /// `lab up --prometheus`: a real Prometheus scraping the lab, and a real Pushgateway.
    @Suite(
        "Lab Prometheus",
        .enabled(
            if: prometheusInstalled,
            "needs Debian's prometheus and prometheus-pushgateway (scripts/setup.sh installs them)"))
    struct LabPrometheusTests {
        /// Prometheus reports every lab service and the Pushgateway up, sees the gateway's requests by
        /// unit, and reads back what was pushed to the Pushgateway; `target.yaml` and `lab status`
        /// name it.
        @Test func scrapesTheLabAndThePushgateway() async throws {
            try await TestLab.withLab(prometheus: true) { lab in
                let prometheusURL = try #require(lab.prometheusURL)
                let pushgatewayURL = try #require(lab.pushgatewayURL)
                let target = try String(contentsOfFile: lab.targetPath, encoding: .utf8)
                #expect(target.contains("prometheus:\n  url: \"\(prometheusURL)\"\n"))

                // `lab up` returned only once every target was up: no waiting needed here.
                let up = try await lab.prometheusQuery("up")
                let services = Set(
                    up.filter { $0.labels["job"] == "lab" && $0.value == 1 }.compactMap {
                        $0.labels["lab_service"]
                    })
                #expect(services == Set(lab.services.map(\.name)))
                #expect(up.contains { $0.labels["job"] == "pushgateway" && $0.value == 1 })

                for _ in 0..<3 { #expect(try await lab.gateway("/storefront?userId=6000").status == 200) }
                var seen: [PrometheusSample] = []
                let counted = try await eventually(timeout: .seconds(20)) {
                    seen = try await lab.prometheusQuery(
                        #"lab_http_requests_total{service="gateway",route="/storefront",code="200"}"#)
                    return seen.contains { $0.labels["unit"] == "beijing" && $0.value >= 3 }
                }
                #expect(counted, "Prometheus never saw the gateway's 3 requests for beijing: \(seen)")

                // A plain HTTP PUT of the text format, as `--pushgateway` will do.
                let pushed = try await CurlHTTPClient().send(
                    HTTPRequest(
                        method: "PUT", url: pushgatewayURL + "/metrics/job/gameday_test/drill/lab-metrics",
                        headers: [("Content-Type", "text/plain; version=0.0.4")],
                        body: Array("# TYPE gameday_test_rto_seconds gauge\ngameday_test_rto_seconds 1.5\n".utf8)))
                #expect((200..<300).contains(pushed.status), "push answered \(pushed.status): \(pushed.bodyText)")
                var read: [PrometheusSample] = []
                let arrived = try await eventually(timeout: .seconds(20)) {
                    read = try await lab.prometheusQuery(#"gameday_test_rto_seconds{job="gameday_test"}"#)
                    return read.contains { $0.value == 1.5 && $0.labels["drill"] == "lab-metrics" }
                }
                #expect(arrived, "the pushed metric never reached Prometheus with its own labels: \(read)")

                let status = try await lab.lab(["status"])
                #expect(status.exitCode == 0)
                #expect(status.stdout.contains("prometheus: \(prometheusURL) (ready)"))
                #expect(status.stdout.contains("pushgateway: \(pushgatewayURL) (ready)"))
            }
        }

        /// `lab down` leaves no Prometheus, Pushgateway or companion; and a companion killed with
        /// SIGKILL takes its program along.
        @Test func downLeavesNothingBehind() async throws {
            try await TestLab.withLab(prometheus: true) { lab in
                let directory = lab.runDirectory + "/prometheus/"
                #expect(processes(mentioning: directory).count == 4, "two companions and two programs")

                let companion = try #require(
                    processes(mentioning: "lab companion --name pushgateway --run-dir \(lab.runDirectory) ").first)
                kill(companion, SIGKILL)
                let followed = await eventually(timeout: .seconds(10)) {
                    processes(mentioning: "--persistence.file=\(directory)").isEmpty
                }
                #expect(followed, "the Pushgateway outlived its companion")

                let down = try await lab.lab(["down"])
                #expect(down.exitCode == 0, "\(down.transcript)")
                #expect(down.stdout.contains("stopped prometheus"))
                #expect(processes(mentioning: directory).isEmpty)
                #expect(processes(mentioning: "--run-dir \(lab.runDirectory)").isEmpty)
            }
        }
    }
}
