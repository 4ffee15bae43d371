import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Webhooks and hooks in real runs of the built binary against a real lab: a local receiver
/// hears the start, the cut-over and the end; a webhook on a closed port only warns; hooks run
/// with the run's values, their logs archived, killed at their timeout; an abort hook that fails
/// before inject stops the run with nothing applied; no secret ever shows.
@Suite(.serialized) struct NotificationsAndHooksTests {
    static let secret = "T0KEN-9f3ab7"

    /// The lab's target with `extra` appended, beside it (its relative paths still hold), and a
    /// script there that writes its GAMEDAY_ variables to the file named by its first argument.
    static func target(of lab: TestLab, adding extra: String) throws -> String {
        let folder = URL(fileURLWithPath: lab.targetPath).deletingLastPathComponent().path
        let script = "\(folder)/dump-env.sh"
        try "#!/bin/sh\nenv | grep '^GAMEDAY_' | sort > \"$1\"\necho hello from the hook\necho to stderr >&2\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let path = "\(folder)/target-hooks.yaml"
        try (String(contentsOfFile: lab.targetPath, encoding: .utf8) + "\n" + extra)
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aRunNotifiesTheReceiverRunsItsHooksAndShowsNoSecret() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        let closed = try freePort()
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let envFile = "\(output)/hook-env.txt"
            let outcomeFile = "\(output)/outcome.txt"
            let target = try Self.target(
                of: lab,
                adding: """
                    notify:
                      - url: { env: GAMEDAY_TEST_WEBHOOK }
                      - url: "http://127.0.0.1:\(closed)/closed"
                    hooks:
                      - { name: env-dump, before: inject, run: [./dump-env.sh, "\(envFile)"], on_failure: abort }
                      - { name: slow, after: rollback, run: [sleep, "30"], timeout: 1s }
                      - { name: outcome, after: run, run: [sh, -c, "echo $GAMEDAY_OUTCOME > \\"$0\\"", "\(outcomeFile)"] }
                    """)
            var environment = ProcessInfo.processInfo.environment
            environment["GAMEDAY_TEST_WEBHOOK"] = "http://127.0.0.1:\(receiver.port)/hook/\(Self.secret)"
            let run = try await DrillRun.run(
                DrillRun.shipped("storefront-strong-dependency"), lab: lab, output: output, environment: environment,
                target: target, extra: ["--notify", "slack:http://127.0.0.1:\(receiver.port)/slack"])
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .pass)

            // The receiver heard the run, in order, with the generic body and Slack's.
            let json = receiver.requests.filter { $0.path == "/hook/\(Self.secret)" }
            #expect(
                json.compactMap { $0.body["event"] as? String } == [
                    "start", "cutover_sent", "cutover_done", "end",
                ])
            let end = try #require(json.last?.body)
            #expect(end["outcome"] as? String == "pass")
            #expect(end["run_id"] as? String == result.runId)
            #expect(end["drill"] as? String == "storefront-strong-dependency")
            #expect(end["rto_ms"] as? Double == result.rto?.measuredMs)
            let archive = try #require(end["archive"] as? String)
            #expect(run.resultPath == "\(archive)/result.json")
            let slack = receiver.requests.filter { $0.path == "/slack" }
            #expect(slack.count == 4)
            #expect(slack.allSatisfy { ($0.body["text"] as? String)?.hasPrefix("gameday: drill") == true })

            // The closed port: a warning per event, the run unchanged, and how each went recorded.
            #expect(run.output.stderr.contains("webhook http://127.0.0.1:\(closed)/*** (start) not delivered"))
            let records = result.notifications
            #expect(records.count == 12)
            #expect(records.filter { $0.webhook == "*** (env GAMEDAY_TEST_WEBHOOK)" }.allSatisfy { $0.status == 200 })
            #expect(records.filter { $0.webhook.contains("\(closed)") }.allSatisfy { $0.error != nil })

            // The hooks ran with the run's values; their logs are in the archive.
            let env = try String(contentsOfFile: envFile, encoding: .utf8)
            #expect(env.contains("GAMEDAY_RUN_ID=\(result.runId)\n"))
            #expect(env.contains("GAMEDAY_PHASE=inject\n"))
            #expect(env.contains("GAMEDAY_DRILL=storefront-strong-dependency\n"))
            #expect(env.contains("GAMEDAY_TARGET=lab\n"))
            #expect(env.contains("GAMEDAY_HOOK=env-dump\n"))
            let log = try String(contentsOfFile: "\(archive)/hooks/env-dump.log", encoding: .utf8)
            #expect(log == "hello from the hook\nto stderr\n")
            #expect(try String(contentsOfFile: outcomeFile, encoding: .utf8) == "pass\n")
            let hooks = Dictionary(uniqueKeysWithValues: result.hooks.map { ($0.name, $0) })
            #expect(hooks["env-dump"]?.outcome == .ok)
            #expect(hooks["env-dump"]?.log == "hooks/env-dump.log")
            #expect(hooks["env-dump"]?.moment == "before inject")
            #expect(hooks["slow"]?.outcome == .timedOut)
            #expect((hooks["slow"]?.durationMs ?? .infinity) < 10_000)
            #expect(run.output.stderr.contains("hook slow (after rollback) failed"))
            #expect(hooks["outcome"]?.moment == "after run")

            // No secret anywhere.
            let written = try String(contentsOfFile: try #require(run.resultPath), encoding: .utf8)
            for text in [run.output.stdout, run.output.stderr, written] { #expect(!text.contains(Self.secret)) }
        }
    }

    @Test func anAbortHookThatFailsBeforeInjectStopsTheRunWithNothingApplied() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let productBefore = try #require(try lab.pid(of: "beijing-product"))
            let target = try Self.target(
                of: lab,
                adding: """
                    hooks:
                      - name: change-ticket
                        before: inject
                        run: [sh, -c, "echo no ticket system; exit 2"]
                        on_failure: abort
                    """)
            let run = try await DrillRun.run(
                DrillRun.shipped("storefront-strong-dependency"), lab: lab, output: output, target: target)
            #expect(run.output.exitCode == 3, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(
                result.reason
                    == "hook change-ticket failed: exited with status 2: no ticket system; nothing was applied")
            #expect(result.faults.allSatisfy { $0.state == .notApplied })
            #expect(result.timeline.fault == nil)
            #expect(try lab.pid(of: "beijing-product") == productBefore)
            #expect(ProcessTable().isAlive(productBefore))
            #expect(result.hooks.first?.outcome == .failed)
            #expect(result.hooks.first?.exitCode == 2)
        }
    }
}
