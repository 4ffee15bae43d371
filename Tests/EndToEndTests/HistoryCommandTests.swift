import Foundation
import GameDayTestSupport
import Testing

/// `gameday history` as CI runs it: the built binary on a copy of the core tests' results tree
/// (`Tests/GameDayCoreTests/Fixtures/history`), its stdout, stderr and exit code. No lab needed.
@Suite struct HistoryCommandTests {
    static let fixtures = "\(DrillRun.repository)/Tests/GameDayCoreTests/Fixtures/history/results"

    /// A copy of the fixture tree in a temporary directory, removed after `body`.
    static func withResults(_ body: (String) async throws -> Void) async throws {
        let directory = try TestLab.makeTemporaryDirectory(prefix: "gameday-history")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: fixtures, toPath: "\(directory)/results")
        try await body("\(directory)/results")
    }

    @Test func theTableListsTheRunsTheTrendsAndTheUnreadableArchives() async throws {
        try await Self.withResults { results in
            let output = try await ChildProcess.run([try GameDayBinary.path, "history", results])
            #expect(output.exitCode == 0, "\(output.transcript)")
            let lines = output.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first?.hasPrefix("WHEN (UTC)           DRILL") == true)
            #expect(lines[1].hasPrefix("2026-11-22 09:37:47  order-unit-failure            PASS     1.65s / 5s"))
            #expect(
                lines.contains { $0.contains("FAIL     1.16s / 500ms missed") && $0.hasSuffix("930ce7d7  recovery") })
            #expect(lines.contains { $0.hasPrefix("order-unit-failure            2     ▆█") })
            #expect(lines.contains { $0.hasSuffix("steady: −36ms against the median of the 3 before") })
            #expect(output.stderr.hasPrefix("could not read 4 archives:\n"))
            #expect(
                output.stderr.contains(
                    "\(results)/order-unit-failure/20261123T000000Z-00000099/result.json: schema_version 99 is newer "
                        + "than this gameday reads (1–4): upgrade gameday"))
        }
    }

    @Test func jsonIsOneDocumentOnStdout() async throws {
        try await Self.withResults { results in
            let output = try await ChildProcess.run(
                [try GameDayBinary.path, "history", results, "--json", "--drill", "storefront-strong-dependency"])
            #expect(output.exitCode == 0, "\(output.transcript)")
            #expect(output.stderr.isEmpty)
            let document = try #require(
                JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
            let runs = try #require(document["runs"] as? [[String: Any]])
            #expect(
                runs.map { $0["run_id"] as? String } == ["f57667ba", "930ce7d7", "c2a2ebbc", "6ea392c0", "96b91d79"])
            let trends = try #require(document["trends"] as? [[String: Any]])
            #expect(trends.map { $0["direction"] as? String } == ["steady"])
            let unreadable = try #require(document["unreadable"] as? [[String: String]])
            #expect(
                unreadable.map { $0["path"] } == ["\(results)/storefront-strong-dependency/20261121T100000Z-0000000d"])
        }
    }

    @Test func exitCodesSayWhetherAnythingWasRead() async throws {
        try await Self.withResults { results in
            let binary = try GameDayBinary.path
            let missing = try await ChildProcess.run([binary, "history", "\(results)/nowhere"])
            #expect(missing.exitCode == 2, "\(missing.transcript)")
            #expect(missing.stderr.contains("gameday: no such file or directory: '\(results)/nowhere'"))

            let future = "\(results)/order-unit-failure/20261123T000000Z-00000099"
            let unreadable = try await ChildProcess.run([binary, "history", future])
            #expect(unreadable.exitCode == 1, "\(unreadable.transcript)")
            #expect(unreadable.stdout == "no run under \(future) could be read\n")

            let empty = "\(results)/storefront-strong-dependency/notes"
            let nothing = try await ChildProcess.run([binary, "history", empty])
            #expect(nothing.exitCode == 0, "\(nothing.transcript)")
            #expect(nothing.stdout == "no archived runs under \(empty)\n")

            let badLimit = try await ChildProcess.run([binary, "history", results, "--limit", "0"])
            #expect(badLimit.exitCode == 64, "\(badLimit.transcript)")
            #expect(badLimit.stderr.contains("--limit takes a number of runs from 1 up, not 0"))
        }
    }
}
