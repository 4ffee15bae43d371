import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Game days, run by the built binary against a real lab: the shipped morning end to end, the stop
/// policy, and Ctrl-C in the middle of one.
@Suite(.serialized) struct GameDayTests {
    static let morning = "\(DrillRun.repository)/gamedays/storefront-morning.yaml"

    /// `gameday run GAMEDAY --target T --output DIR`, and the game day's archive it printed.
    static func run(
        _ gameDay: String, lab: TestLab, output: String, onStderrLine: (@Sendable (String, pid_t) -> Void)? = nil
    ) async throws -> (output: ChildProcess.Output, result: GameDayResult?, directory: String?) {
        let output = try await ChildProcess.run(
            [
                lab.binary, "run", gameDay, "--target", lab.targetPath, "--output", output, "--state-dir",
                "\(output)/state",
            ], timeout: .seconds(300), onStderrLine: onStderrLine)
        let directory = output.stdout.split(separator: "\n").first {
            $0.contains("  archive: ") && $0.contains("_gamedays")
        }
        .map { String($0.split(separator: " ")[1].dropLast()) }
        let result = try directory.map {
            try GameDayResult.read(Data(contentsOf: URL(fileURLWithPath: "\($0)/gameday.json")))
        }
        return (output, result, directory)
    }

    @Test func theShippedMorningPassesAndIsArchivedAsOneGameDay() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let run = try await Self.run(Self.morning, lab: lab, output: output)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no gameday.json: \(run.output.transcript)")
            let directory = try #require(run.directory)
            #expect(result.outcome == .pass && result.gameDay.name == "storefront-morning")
            #expect(
                result.drills.map(\.drill) == [
                    "storefront-strong-dependency", "storefront-weak-dependency", "storefront-product-blocked",
                    "order-unit-failure",
                ])
            #expect(result.drills.allSatisfy { $0.status == .ran && $0.outcome == .pass })
            // In order, each after the pause that follows the one before.
            let offsets = result.drills.compactMap(\.offsetMs)
            for (earlier, later) in zip(result.drills, result.drills.dropFirst()) {
                let end = (earlier.offsetMs ?? 0) + (earlier.durationMs ?? 0)
                #expect((later.offsetMs ?? 0) >= end + 2000, "\(offsets)")
            }
            // Each drill archived as `gameday run` archives it, linked from the game day's archive.
            for drill in result.drills {
                let archive = try #require(drill.archive)
                let report = URL(fileURLWithPath: "\(directory)/\(archive)/report.html").standardizedFileURL.path
                #expect(FileManager.default.fileExists(atPath: report), "\(report)")
                let runResult = try RunResult.read(
                    Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(archive)/result.json")))
                #expect(runResult.runId == drill.runId && runResult.outcome == .pass)
            }
            let junit = try String(contentsOfFile: "\(directory)/junit.xml", encoding: .utf8)
            #expect(junit.components(separatedBy: "<testsuite ").count - 1 == 4)
            #expect(junit.contains(#"<testsuite name="order-unit-failure against lab""#))
            let report = try String(contentsOfFile: "\(directory)/report.html", encoding: .utf8)
            for drill in result.drills {
                #expect(report.contains("href=\"\(drill.archive ?? "?")/report.html\""))
            }
            #expect(run.output.stdout.contains("game day storefront-morning against lab: PASS (exit 0)"))

            // `history` lists the game day and its drills.
            let history = try await ChildProcess.run([lab.binary, "history", output])
            #expect(history.exitCode == 0, "\(history.transcript)")
            #expect(history.stdout.contains("storefront-morning  PASS  4 of 4 drills passed  \(result.gameDayId)"))
            #expect(history.stdout.contains("4. order-unit-failure  PASS"))
            #expect(!history.stderr.contains("_gamedays"), "\(history.stderr)")
        }
    }

    @Test func theFirstFailingDrillStopsTheGameDayAndTheRestAreSkipped() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            // The weak-dependency drill expecting 6000 to fail: it does not, so the drill fails.
            let failing = try DrillRun.variant(
                of: "storefront-weak-dependency", in: output,
                replacing: [("    impact: none\n", "    impact: fail\n")])
            let file = "\(output)/stop.yaml"
            try """
            gameday: stop-early
            drills:
              - drill: \(failing)
              - drill: \(DrillRun.shipped("storefront-strong-dependency"))
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let run = try await Self.run(file, lab: lab, output: output)
            #expect(run.output.exitCode == 1, "\(run.output.transcript)")
            let result = try #require(run.result, "\(run.output.transcript)")
            #expect(result.outcome == .fail)
            #expect(result.drills.map(\.status) == [.ran, .skipped])
            #expect(result.drills[0].outcome == .fail)
            #expect(result.drills[1].reason?.contains("ended fail and the game day stops on fail") == true)
            #expect(!FileManager.default.fileExists(atPath: "\(output)/storefront-strong-dependency"))
            let junit = try String(contentsOfFile: "\(run.directory ?? "")/junit.xml", encoding: .utf8)
            #expect(junit.contains("<skipped message=\"skipped: drill 1"))
        }
    }

    @Test func ctrlCStopsTheDrillThatRunsRevertsItAndStartsNoOther() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let productBefore = try #require(try lab.pid(of: "beijing-product"))
            let sent = SentOnce()
            // SIGINT once the first drill (strong dependency) is observing its fault.
            let run = try await Self.run(
                Self.morning, lab: lab, output: output,
                onStderrLine: DrillRun.signal(SIGINT, when: "observe", after: .milliseconds(300), sent: sent))
            #expect(sent.happened)
            #expect(run.output.exitCode == 4, "\(run.output.transcript)")
            let result = try #require(run.result, "\(run.output.transcript)")
            #expect(result.outcome == .aborted)
            #expect(result.drills.map(\.status) == [.ran, .skipped, .skipped, .skipped])
            #expect(result.drills[0].outcome == .aborted)
            let first = try RunResult.read(
                Data(
                    contentsOf: URL(
                        fileURLWithPath: "\(run.directory ?? "")/\(result.drills[0].archive ?? "")/result.json")))
            #expect(first.faults.allSatisfy { $0.state == .reverted }, "\(first.faults.map(\.state))")
            // The killed product was restarted by the revert: a new process, healthy.
            let productAfter = try #require(try lab.pid(of: "beijing-product"))
            #expect(productAfter != productBefore)
            #expect(!FileManager.default.fileExists(atPath: "\(output)/storefront-weak-dependency"))
        }
    }

    @Test func validateAndPlanTakeAGameDay() async throws {
        try await TestLab.withLab { lab in
            let validate = try await ChildProcess.run([
                lab.binary, "validate", Self.morning, "--target", lab.targetPath,
            ])
            #expect(validate.exitCode == 0, "\(validate.transcript)")
            #expect(validate.stdout.contains("storefront-morning.yaml: ok"))
            let plan = try await ChildProcess.run([lab.binary, "plan", Self.morning, "--target", lab.targetPath])
            #expect(plan.exitCode == 0, "\(plan.transcript)")
            #expect(plan.stdout.contains("game day storefront-morning"))
            #expect(plan.stdout.contains("4 drills in order, stop on fail"))
            #expect(plan.stdout.contains("  1. storefront-strong-dependency ("))
            #expect(plan.stdout.contains("=== drill 4 of 4 ===\nplan: drill order-unit-failure"))
        }
    }
}
