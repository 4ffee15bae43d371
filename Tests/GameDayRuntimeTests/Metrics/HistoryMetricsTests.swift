import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// `history --metrics`: an archive of a few runs in the OpenMetrics format, backfilled by the real promtool.
@Suite struct HistoryMetricsTests {
    /// Three runs of two drills, archived as `run` archives them.
    static func archive(in scratch: Scratch) throws -> String {
        let root = scratch.path("results")
        let runs: [(String, String, String)] = [
            ("order-unit-failure", "2026-11-21T09:34:04.919Z", "a1a1a1a1"),
            ("order-unit-failure", "2026-11-22T09:34:04.919Z", "b2b2b2b2"),
            ("storefront-aborted", "2026-11-21T09:38:50.271Z", "c3c3c3c3"),
        ]
        for (fixture, startedAt, runId) in runs {
            var result = try ResultFixture.result(fixture)
            result.startedAt = startedAt
            result.runId = runId
            _ = try ResultArchive(root: root).write(&result, ResultArchive.Contents())
        }
        return root
    }

    @Test func everyRunIsASampleAtItsStartAndTheTextEndsInEOF() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (runs, unreadable) = try RunHistory.read([try Self.archive(in: scratch)]).metrics()
        #expect(unreadable.isEmpty)
        let text = OpenMetricsExposition.render(runs)
        #expect(text.hasSuffix("\n# EOF\n"))
        let labels = #"drill="order-unit-failure",target="lab",unit="beijing""#
        // One family, its metadata once, its runs oldest first, each stamped with its start.
        #expect(
            text.contains(
                """
                # TYPE gameday_rto_seconds gauge
                # UNIT gameday_rto_seconds seconds
                # HELP gameday_rto_seconds The RTO measured: from the fault to the recovery of every impacted user.
                gameday_rto_seconds{\(labels)} 1.192634 1795253644.919
                gameday_rto_seconds{\(labels)} 1.192634 1795340044.919
                # TYPE gameday_rto_goal_seconds gauge
                """))
        #expect(text.components(separatedBy: "# TYPE gameday_outcome gauge").count == 2)
        #expect(text.contains(#"outcome="aborted"} 1.0 1795253930.271"#))
        #expect(text.contains("# TYPE gameday_lost_writes gauge\n# HELP gameday_lost_writes"))
    }

    @Test func promtoolBackfillsTheHistory() throws {
        guard let promtool = PrometheusTool.promtool.located(for: "promtoolBackfillsTheHistory") else { return }
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (runs, _) = try RunHistory.read([try Self.archive(in: scratch)]).metrics()
        let file = scratch.path("history.om")
        try OpenMetricsExposition.render(runs).write(toFile: file, atomically: true, encoding: .utf8)
        let blocks = scratch.path("tsdb")
        let backfill = try PrometheusTool.run([promtool, "tsdb", "create-blocks-from", "openmetrics", file, blocks])
        #expect(backfill.status == 0, "\(backfill.output)")
        let created = (try? FileManager.default.contentsOfDirectory(atPath: blocks)) ?? []
        #expect(!created.isEmpty, "no block under \(blocks): \(backfill.output)")
    }

    @Test func aResultTheHistoryListsButCannotReadInFullIsReportedUnreadable() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let root = try Self.archive(in: scratch)
        var history = try RunHistory.read([root])
        let broken = history.runs[0].path
        try Data("{}".utf8).write(to: URL(fileURLWithPath: broken))
        let (runs, unreadable) = history.metrics()
        #expect(runs.count == 2)
        #expect(unreadable.map(\.path) == [broken])
        history.unreadable = unreadable
        #expect(HistoryTable.unreadableLines(history).first == "could not read 1 archive:")
    }
}
