import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

/// `run --metrics-file` by the built binary against a real lab: the textfile holds the run's figures.
@Suite(.serialized) struct MetricsDrillTests {
    @Test func theTextfileHoldsTheRunsRTOAsResultJsonDoes() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let file = "\(output)/textfile/gameday.prom"
            let run = try await DrillRun.run(
                DrillRun.shipped("storefront-strong-dependency"), lab: lab, output: output,
                extra: ["--metrics-file", file])
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let labels = #"{drill="storefront-strong-dependency",target="lab",unit="beijing"}"#
            func value(_ name: String) -> Double? {
                text.split(separator: "\n").first { $0.hasPrefix(name + labels + " ") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            let measured = try #require(result.rto?.measuredMs)
            let rto = try #require(value("gameday_rto_seconds"), "no RTO in \(text)")
            // Seconds in the file, milliseconds in the result; both kept to the microsecond.
            #expect((rto * 1000 * 1000).rounded() == (measured * 1000).rounded())
            #expect(
                value("gameday_detect_seconds").map { ($0 * 1e6).rounded() }
                    == result.rto?.detectMs.map { ($0 * 1000).rounded() })
            #expect(
                text.contains(
                    "gameday_outcome{drill=\"storefront-strong-dependency\",target=\"lab\",unit=\"beijing\",outcome=\"pass\"} 1.0\n"
                ))
            #expect(value("gameday_users_impacted") == 1)
            #expect(value("gameday_blast_radius_users") == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(output)/textfile") == ["gameday.prom"])
        }
    }
}
