import Foundation
import GameDayRuntime
import Testing

@testable import GameDayCore

/// `gameday history` on a results tree of real archives (early and current schema 1, a made-up
/// schema 2) with a newer version, a cut-short file, a non-result and an empty run directory mixed in
/// (`Fixtures/history/README.md` says which is which).
@Suite struct HistoryTests {
    static func results() throws -> String { try Fixture.path("history/results") }

    static func history(drill: String? = nil, limit: Int? = nil) throws -> RunHistory {
        try RunHistory.read([results()], drill: drill, limit: limit)
    }

    // MARK: - Reading and order

    @Test func everyRunIsReadNewestFirstWhateverItsSchemaVersion() throws {
        let history = try Self.history()
        #expect(
            history.runs.map(\.result.runId) == [
                "5e1f0a02", "f57667ba", "930ce7d7", "c2a2ebbc", "8ee8621b", "6ea392c0", "96b91d79",
            ])
        #expect(history.runs.map(\.result.schemaVersion) == [2, 1, 1, 1, 1, 1, 1])
        #expect(history.runs.allSatisfy { $0.path.hasSuffix("-\($0.result.runId)/result.json") })
    }

    @Test func anEarlyVersionOneArchiveReadsWithoutTheMembersItLacks() throws {
        let path = try Fixture.path(
            "history/results/storefront-strong-dependency/20261121T055052Z-96b91d79/result.json")
        let run = try PastRun(readingFile: path).result
        #expect(run.drill.name == "storefront-strong-dependency")
        #expect(run.outcome == "pass")
        #expect(run.rpo == nil)
        #expect(run.archive == nil)
        #expect(run.rto?.measuredMs == 1200.049539)
        #expect(run.rto?.detectMs == 100.054108)
        // From the request to done, not the RTO's switch part (119.885961 both, here).
        #expect(abs(try #require(run.cutoverMs) - (2169.080642 - 2049.194681)) < 1e-9)
    }

    @Test func aVersionTwoArchiveCarriesItsFiles() throws {
        let run = try #require(try Self.history().runs.first).result
        #expect(run.schemaVersion == 2)
        #expect(
            run.archive
                == ArchivedRun.Files(
                    result: "result.json", junit: "junit.xml", report: "report.html", rawSamples: "samples.ndjson"))
        #expect(run.rpo == ArchivedRun.RPO(goalMs: 0, observedMs: 0, met: true, lost: 0))
    }

    // MARK: - The table

    @Test func eachLineSaysWhenWhatAndHowFast() throws {
        let lines = HistoryTable.runLines(try Self.history())
        let header =
            "WHEN (UTC)           DRILL                         OUTCOME  RTO (MEASURED / GOAL)  RPO (OBSERVED / GOAL)  "
            + "DETECT  CUT-OVER  RUN       FAILED / REASON"
        let unreachable =
            "the control plane is unreachable at http://127.0.0.1:23079: Couldn't connect to server "
            + "(http://127.0.0.1:23079)"
        let rows = [
            "2026-11-22 09:37:47  order-unit-failure            PASS     1.65s / 5s             0ms / 0ms              "
                + "205ms   57ms      5e1f0a02",
            "2026-11-21 09:38:05  storefront-strong-dependency  ERROR    - / 5s                 -                      "
                + "-       -         f57667ba  \(unreachable)",
            "2026-11-21 09:37:56  storefront-strong-dependency  FAIL     1.16s / 500ms missed   -                      "
                + "160ms   58ms      930ce7d7  recovery",
            "2026-11-21 09:37:52  storefront-strong-dependency  PASS     1.084s / 5s            -                      "
                + "183ms   64ms      c2a2ebbc",
            "2026-11-21 09:37:47  order-unit-failure            PASS     1.093s / 5s            0ms / 0ms              "
                + "193ms   57ms      8ee8621b",
            "2026-11-21 06:05:50  storefront-strong-dependency  PASS     1.196s / 5s            -                      "
                + "96ms    165ms     6ea392c0",
            "2026-11-21 05:50:52  storefront-strong-dependency  PASS     1.2s / 5s              -                      "
                + "100ms   120ms     96b91d79",
        ]
        #expect(lines == [header] + rows)
    }

    @Test func aGoalIsMissedWhenMeasuredAndNotMetOrWhenItsVerdictFailed() {
        #expect(HistoryTable.measure(1159.531, goal: 500, missed: true) == "1.16s / 500ms missed")
        #expect(HistoryTable.measure(nil, goal: 5000, missed: false) == "- / 5s")
        #expect(HistoryTable.measure(nil, goal: nil, missed: false) == "-")
        var run = ArchivedRun.sample(rto: nil)
        run.rto = ArchivedRun.RTO(goalMs: 5000, measuredMs: nil, met: false)
        run.outcome = "fail"
        run.verdicts = [.init(name: "recovery", status: "fail")]
        #expect(HistoryTable.runRow(PastRun(path: "p", started: .now, result: run))[3] == "- / 5s missed")
    }

    /// An interrupted run is aborted, never `missed`: the goal was not given its chance (archives
    /// before version 3 may even carry a failed recovery verdict the interrupt caused).
    @Test func anInterruptedRunIsAbortedNeverMissed() {
        var run = ArchivedRun.sample(rto: nil)
        run.rto = ArchivedRun.RTO(goalMs: 5000, measuredMs: nil, met: false)
        run.outcome = "aborted"
        run.exitCode = 4
        run.reason = "interrupted at +2440ms (recovery); every fault was reverted before exiting"
        run.verdicts = [.init(name: "recovery", status: "fail")]
        let row = HistoryTable.runRow(PastRun(path: "p", started: .now, result: run))
        #expect(row[2] == "ABORTED")
        #expect(row[3] == "- / 5s aborted")
        #expect(row[8] == run.reason)
    }

    // MARK: - Trends

    @Test func eachDrillHasItsTrendAcrossGameDays() throws {
        let trends = try Self.history().trends
        #expect(trends.map(\.drill) == ["order-unit-failure", "storefront-strong-dependency"])
        let orders = trends[0]
        #expect(orders.runs == 2)
        #expect(orders.series == [1093.009, 1650])
        #expect(orders.previousMedian == 1093.009)
        #expect(orders.direction == .worse)
        #expect(orders.sparkline == "▆█")
        let storefront = trends[1]
        #expect(storefront.runs == 5)
        #expect(storefront.series == [1200.049539, 1195.515, 1083.515, 1159.531, nil])
        #expect(storefront.last == 1159.531)
        #expect(storefront.min == 1083.515)
        #expect(storefront.max == 1200.049539)
        #expect(storefront.median == (1159.531 + 1195.515) / 2)
        #expect(storefront.previousMedian == 1195.515)
        #expect(storefront.direction == .steady)
        #expect(storefront.sparkline == "██▇█·")
        #expect(
            HistoryTable.trendLines(try Self.history()) == [
                "DRILL                         RUNS  RTO OLDEST→NEWEST  LAST   MIN     MEDIAN  MAX    TREND",
                "order-unit-failure            2     ▆█                 1.65s  1.093s  1.372s  1.65s  "
                    + "worse: +557ms against the run before",
                "storefront-strong-dependency  5     ██▇█·              1.16s  1.084s  1.178s  1.2s   "
                    + "steady: −36ms against the median of the 3 before",
            ])
    }

    @Test func limitKeepsTheNewestRunsOfEachDrillAndTheTrendFollows() throws {
        let history = try Self.history(limit: 2)
        #expect(history.runs.map(\.result.runId) == ["5e1f0a02", "f57667ba", "930ce7d7", "8ee8621b"])
        let storefront = try #require(history.trends.last)
        #expect(storefront.series == [1159.531, nil])
        #expect(storefront.direction == nil)
        #expect(HistoryTable.direction(storefront) == "first RTO measured")
    }

    @Test func drillKeepsOneDrillsRunsAndTheArchivesInItsDirectory() throws {
        let history = try Self.history(drill: "order-unit-failure")
        #expect(history.runs.map(\.result.runId) == ["5e1f0a02", "8ee8621b"])
        #expect(history.trends.map(\.drill) == ["order-unit-failure"])
        #expect(history.unreadable.count == 3)
        #expect(history.unreadable.allSatisfy { $0.path.contains("/order-unit-failure/") })
    }

    @Test func anUnknownDrillIsNamedWithTheClosestOne() throws {
        let history = try Self.history(drill: "order-unit-falure")
        #expect(history.runs.isEmpty)
        #expect(
            HistoryTable.lines(history, under: ["results"]) == [
                "no runs of drill 'order-unit-falure' under results (did you mean 'order-unit-failure'?); "
                    + "drills there: order-unit-failure, storefront-strong-dependency"
            ])
        #expect(history.exitCode == 0)
    }

    // MARK: - What cannot be read

    @Test func everyUnreadableArchiveIsListedWithItsReason() throws {
        let history = try Self.history()
        let root = try Self.results()
        #expect(
            history.unreadable == [
                UnreadableArchive(
                    path: "\(root)/order-unit-failure/20261123T000000Z-00000099/result.json",
                    problem: .newerVersion(99)),
                UnreadableArchive(
                    path: "\(root)/order-unit-failure/20261123T000100Z-0000dead/result.json",
                    problem: .notJSON("it ends early, at line 47, column 1 (cut short?)")),
                UnreadableArchive(
                    path: "\(root)/order-unit-failure/20261123T000200Z-0000beef/result.json",
                    problem: .notAResult("missing run_id")),
                UnreadableArchive(
                    path: "\(root)/storefront-strong-dependency/20261121T100000Z-0000000d", problem: .missingResult),
            ])
        #expect(
            history.unreadable.map(\.reason) == [
                "schema_version 99 is newer than this gameday reads (1–4): upgrade gameday",
                "not JSON: it ends early, at line 47, column 1 (cut short?)",
                "not a gameday result: missing run_id",
                "no result.json: not an archived run (it stopped before archiving, or the file was moved)",
            ])
        #expect(HistoryTable.unreadableLines(history).first == "could not read 4 archives:")
        #expect(history.exitCode == 0)
    }

    @Test(arguments: [
        ("", "not JSON: the file is empty"),
        ("{\n  \"schema_version\": 1,\n  \"run_id\": tru\n}", "not JSON: invalid value at line 3, column 16"),
        ("[1, 2]", "not a gameday result: the top level is not a JSON object"),
        ("{\"run_id\": \"a\"}", "not a gameday result: missing schema_version"),
        ("{\"schema_version\": \"2\"}", "not a gameday result: schema_version is not a whole number"),
        ("{\"schema_version\": 0}", "schema_version 0 was never written by gameday (this one reads 1–4)"),
        ("{\"schema_version\": 7}", "schema_version 7 is newer than this gameday reads (1–4): upgrade gameday"),
        (
            "{\"schema_version\": 1, \"run_id\": \"a\", \"started_at\": \"x\", \"outcome\": \"pass\"}",
            "not a gameday result: missing drill"
        ),
        (
            "{\"schema_version\": 1, \"run_id\": \"a\", \"drill\": {\"name\": \"d\"}, \"started_at\": \"x\", "
                + "\"outcome\": \"pass\", \"rto\": {\"measured_ms\": \"1s\"}}",
            "not a gameday result: rto.measured_ms is not a number"
        ),
        (
            "{\"schema_version\": 1, \"run_id\": \"a\", \"drill\": {\"name\": \"d\"}, \"started_at\": \"x\", "
                + "\"outcome\": \"pass\", \"verdicts\": [{\"name\": \"a\"}, {}]}",
            "not a gameday result: missing verdicts[1].name"
        ),
        (
            "{\"schema_version\": 2, \"run_id\": \"a\", \"drill\": {\"name\": \"d\"}, \"started_at\": \"yesterday\", "
                + "\"outcome\": \"pass\"}",
            "not a gameday result: started_at 'yesterday' is not an ISO 8601 time"
        ),
    ])
    func aFileThatIsNotAResultSaysWhy(text: String, reason: String) {
        do {
            _ = try PastRun(path: "p", json: Data(text.utf8))
            Issue.record("read as a result: \(text)")
        } catch {
            #expect(error.description == reason)
        }
    }

    // MARK: - Paths

    @Test func aPathMayBeADrillsDirectoryARunsDirectoryOrItsResult() throws {
        let root = try Self.results()
        let run = "\(root)/order-unit-failure/20261121T093747Z-8ee8621b"
        for path in ["\(root)/order-unit-failure", run, "\(run)/result.json", "\(run)/"] {
            let history = try RunHistory.read([path])
            #expect(history.runs.map(\.result.runId).contains("8ee8621b"), "\(path)")
        }
        // A run named twice (within its results directory, and alone) is listed once.
        #expect(try RunHistory.read([root, run]).runs.count == 7)
    }

    @Test func aPathThatDoesNotExistIsAnError() throws {
        let root = try Self.results()
        #expect(throws: HistoryError.noSuchPath(["/no/such/results"])) {
            try RunHistory.read([root, "/no/such/results"])
        }
        #expect(
            HistoryError.noSuchPath(["results"]).errorDescription
                == "no such file or directory: 'results'; give the directory 'gameday run --output' archived to "
                + "(default 'results'), a run's directory, or its result.json")
    }

    @Test func archivesFoundAndNoneReadableExitOne() throws {
        let root = try Self.results()
        let history = try RunHistory.read(["\(root)/order-unit-failure/20261123T000000Z-00000099"])
        #expect(history.runs.isEmpty)
        #expect(history.exitCode == 1)
        #expect(HistoryTable.lines(history, under: ["x"]) == ["no run under x could be read"])
    }

    @Test func runDirectoryNamesAreTheArchivesOwn() {
        #expect(ArchiveScan.isRunDirectoryName("20261121T055052Z-96b91d79"))
        #expect(!ArchiveScan.isRunDirectoryName("notes"))
        #expect(!ArchiveScan.isRunDirectoryName("20261121T055052Z-"))
        #expect(!ArchiveScan.isRunDirectoryName("20261121-055052Z-96b91d79"))
    }

    // MARK: - JSON

    /// The documented `--json` shape, decoded back: every member is present (null when unknown).
    struct Document: Decodable {
        struct Run: Decodable {
            struct Measure: Decodable {
                var goal_ms: Double?
                var measured_ms: Double?
                var observed_ms: Double?
                var met: Bool?
            }
            var path: String
            var schema_version: Int
            var run_id: String
            var drill: String
            var target: String?
            var started_at: String
            var outcome: String
            var exit_code: Int?
            var reason: String?
            var failed_verdicts: [String]
            var rto: Measure?
            var rpo: Measure?
            var detect_ms: Double?
            var cutover_ms: Double?
            var archive: [String: String]?
        }
        struct Trend: Decodable {
            var drill: String
            var runs: Int
            var measured: Int
            var rto_ms: [String: Double?]
            var change_ms: Double?
            var direction: String?
            var sparkline: String
        }
        var runs: [Run]
        var trends: [Trend]
        var unreadable: [[String: String]]
    }

    @Test func theJSONDocumentHasTheDocumentedShape() throws {
        let text = try Self.history().jsonText()
        let document = try JSONDecoder().decode(Document.self, from: Data(text.utf8))
        #expect(document.runs.map(\.run_id).first == "5e1f0a02")
        #expect(document.runs[0].archive?["junit"] == "junit.xml")
        #expect(document.runs[0].rpo?.observed_ms == 0)
        let failed = try #require(document.runs.first { $0.run_id == "930ce7d7" })
        #expect(failed.outcome == "fail")
        #expect(failed.exit_code == 1)
        #expect(failed.failed_verdicts == ["recovery"])
        #expect(failed.rto?.measured_ms == 1159.531)
        #expect(failed.rto?.goal_ms == 500)
        #expect(failed.rto?.met == false)
        #expect(failed.detect_ms == 159.528)
        #expect(failed.target == "lab")
        #expect(document.trends.map(\.direction) == ["worse", "steady"])
        #expect(document.trends[1].rto_ms["previous_median"] == 1195.515)
        #expect(document.trends[1].sparkline == "██▇█·")
        #expect(document.unreadable.map { $0["reason"] ?? "" }.first?.hasPrefix("schema_version 99") == true)

        // Members the archive lacks are null, not absent: the shape is the same for every run.
        let raw = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let runs = try #require(raw["runs"] as? [[String: Any]])
        let keys = Set(runs[0].keys)
        #expect(
            keys == [
                "path", "schema_version", "run_id", "drill", "target", "started_at", "outcome", "exit_code", "reason",
                "failed_verdicts", "rto", "rpo", "detect_ms", "cutover_ms", "archive",
            ])
        #expect(runs.allSatisfy { Set($0.keys) == keys })
        let error = try #require(runs.first { $0["run_id"] as? String == "f57667ba" })
        #expect(error["rpo"] is NSNull)
        #expect(error["archive"] is NSNull)
        #expect(error["detect_ms"] is NSNull)
        #expect((error["rto"] as? [String: Any])?["measured_ms"] is NSNull)
    }
}

extension ArchivedRun {
    /// A passing run of drill `d`, for tests that change one thing.
    static func sample(drill: String = "d", runId: String = "r", rto: Double?, interval: Double? = 100) -> ArchivedRun {
        ArchivedRun(
            schemaVersion: 1, runId: runId, drill: DrillName(name: drill), target: nil,
            startedAt: "2026-11-21T05:50:52.573Z", outcome: "pass", exitCode: 0, reason: nil, verdicts: [],
            rto: ArchivedRun.RTO(goalMs: 5000, measuredMs: rto, met: true), rpo: nil, cutover: nil,
            probeIntervalMs: interval, archive: nil)
    }
}
