import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

/// Cut-overs that are not one request, run by the built binary against a real lab: a command (a
/// vendor's CLI, here a shell script calling the lab's control plane with curl) and a list of steps
/// where a late one fails and the done ones are undone, last first.
@Suite(.serialized) struct CutoverCommandDrillTests {
    /// A stand-in for a vendor's CLI: `start URL TOKEN USERS` asks for the cut-over and prints the
    /// control plane's JSON answer; `status URL TOKEN ID` prints the task's.
    static let cli = """
        #!/bin/sh
        set -eu
        case "$1" in
        start) exec curl -sS -f -X POST -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \\
            -d "{\\"from\\":\\"beijing\\",\\"to\\":\\"hangzhou\\",\\"users\\":$4}" "$2/v1/cutovers" ;;
        status) exec curl -sS -f -H "Authorization: Bearer $3" "$2/v1/cutovers/$4" ;;
        *) echo "unknown action $1" >&2; exit 2 ;;
        esac

        """

    /// Notes its first argument in `calls.log` beside it; `fail` as its second makes it fail.
    static let note = """
        #!/bin/sh
        echo "$1" >> "$(dirname "$0")/calls.log"
        if [ "${2:-}" = fail ]; then echo "$1: the new unit does not confirm the switch" >&2; exit 3; fi

        """

    static let requestCutover = """
        cutover:
          request:
            method: POST
            url: "{{control_plane.url}}/v1/cutovers"
            headers:
              Authorization: "Bearer {{control_plane.token}}"
            body:
              from: beijing
              to: hangzhou
              users: [6000]
          accept: [202]
          id_field: id
          poll:
            request:
              url: "{{control_plane.url}}/v1/cutovers/{{cutover.id}}"
              headers:
                Authorization: "Bearer {{control_plane.token}}"
            field: state
            done: done
            failed: [failed]
            interval: 50ms
            timeout: 30s

        """

    /// Four steps: a command noted, the lab's cut-over request (undone by its cut-back), `confirm`
    /// (a command), and one more noted command.
    static func stepwiseCutover(confirm: String) -> String {
        """
        cutover:
          steps:
            - name: announce
              command: [./note.sh, announce]
              undo: { command: [./note.sh, unannounce] }
            - name: switch
              request:
                method: POST
                url: "{{control_plane.url}}/v1/cutovers"
                headers: { Authorization: "Bearer {{control_plane.token}}" }
                body: { from: beijing, to: hangzhou, users: [6000] }
              accept: [202]
              id_field: id
              poll:
                request:
                  url: "{{control_plane.url}}/v1/cutovers/{{cutover.id}}"
                  headers: { Authorization: "Bearer {{control_plane.token}}" }
                interval: 50ms
                timeout: 30s
              undo:
                request:
                  method: POST
                  url: "{{control_plane.url}}/v1/cutback"
                  headers: { Authorization: "Bearer {{control_plane.token}}" }
                accept: [200, 202]
                id_field: id
                poll:
                  request:
                    url: "{{control_plane.url}}/v1/cutovers/{{cutover.id}}"
                    headers: { Authorization: "Bearer {{control_plane.token}}" }
                  interval: 50ms
                  timeout: 30s
            - name: confirm
              command: \(confirm)
            - name: never
              command: [./note.sh, never]

        """
    }

    static func script(_ text: String, at path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }

    @Test func aCommandCutOverMovesTheUserAndKeepsTheTokenOutOfEverything() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-command-cutover")
            defer { try? FileManager.default.removeItem(atPath: output) }
            try Self.script(Self.cli, at: "\(output)/vendor-cli.sh")
            let drill = try DrillRun.variant(
                of: "storefront-strong-dependency", in: output,
                replacing: [
                    (
                        Self.requestCutover,
                        """
                        cutover:
                          command: [./vendor-cli.sh, start, "{{control_plane.url}}", "{{control_plane.token}}", "{{cutover.users}}"]
                          id_field: id
                          timeout: 10s
                          poll:
                            command: [./vendor-cli.sh, status, "{{control_plane.url}}", "{{control_plane.token}}", "{{cutover.id}}"]
                            field: state
                            done: [done]
                            failed: [failed]
                            interval: 50ms
                            timeout: 30s

                        """
                    )
                ])
            let plan = try await ChildProcess.run([lab.binary, "plan", drill, "--target", lab.targetPath])
            #expect(plan.exitCode == 0, "\(plan.transcript)")
            #expect(plan.stdout.contains("run \(output)/vendor-cli.sh start"), "\(plan.stdout)")
            #expect(!plan.transcript.contains(lab.token))

            let run = try await DrillRun.run(drill, lab: lab, output: output)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .pass)
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }

            // The command ran with the token, and nothing the run wrote shows it.
            let cutover = try #require(result.cutover)
            let command = try #require(cutover.command)
            #expect(command.argv == ["\(output)/vendor-cli.sh", "start", lab.controlPlaneURL, "***", "[6000]"])
            #expect(command.exitCode == 0)
            #expect(cutover.pollCommand?.argv.last == cutover.id)
            #expect(cutover.states.last?.state == "done")
            #expect(!run.output.transcript.contains(lab.token))
            let archived = try String(contentsOfFile: try #require(run.resultPath), encoding: .utf8)
            #expect(!archived.contains(lab.token))

            // The control plane's ground truth has the task the command started, switched.
            let truth = try lab.groundTruth()
            let id = try #require(cutover.id)
            #expect(truth.contains { $0.cutover == id })
            #expect(run.user(6000)?.servedAfter == "hangzhou")
        }
    }

    @Test func aFailedStepUndoesTheDoneOnesLastFirst() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-step-cutover")
            defer { try? FileManager.default.removeItem(atPath: output) }
            try Self.script(Self.note, at: "\(output)/note.sh")
            let drill = try DrillRun.variant(
                of: "storefront-strong-dependency", in: output,
                replacing: [
                    (
                        Self.requestCutover,
                        Self.stepwiseCutover(confirm: "[./note.sh, confirm, fail]")
                    )
                ])
            let run = try await DrillRun.run(drill, lab: lab, output: output)
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .fail, "\(run.output.transcript)")
            #expect(run.verdict("cutover")?.status == .fail)

            let cutover = try #require(result.cutover)
            let steps = try #require(cutover.steps)
            #expect(steps.map(\.name) == ["announce", "switch", "confirm", "never"])
            #expect(steps.map(\.outcome) == [.undone, .undone, .failed, .notRun])
            // The failed command's output is kept, so the SRE sees why.
            #expect(steps[2].call.command?.exitCode == 3)
            #expect(steps[2].call.command?.stderr?.contains("the new unit does not confirm the switch") == true)
            #expect(
                cutover.error?.contains("undone, last first: 'switch', 'announce'") == true, "\(cutover.error ?? "")")

            // Undone in reverse order: the switch's cut-back went out before the announcement was taken back.
            let switchUndo = try #require(steps[1].undo?.startedMs)
            let announceUndo = try #require(steps[0].undo?.startedMs)
            #expect(switchUndo < announceUndo)
            #expect(steps[1].undo?.succeeded == true)
            let calls = try String(contentsOfFile: "\(output)/calls.log", encoding: .utf8)
            #expect(calls == "announce\nconfirm\nunannounce\n")

            // The lab moved 6000 and moved it back: its ground truth has both tasks.
            let truth = try lab.groundTruth()
            let moved = try #require(steps[1].call.id)
            let back = try #require(steps[1].undo?.id)
            #expect(truth.contains { $0.cutover == moved })
            #expect(truth.contains { $0.cutover == back })
            // A command's failure cannot say it moved nothing (unlike a refused request), and the failed
            // step names no undo: the rollback's cut-back is the way back, after the undos.
            let cutback = try #require(result.cutback)
            #expect(cutback.succeeded)
            #expect(try #require(cutback.startedMs) > announceUndo)
        }
    }

    /// The same steps, all done: the switch time is split step by step in result.json, the report
    /// and the summary, and the rollback's cut-back brings 6000 home.
    @Test func aStepwiseCutOverThatSucceedsIsReportedStepByStep() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-step-cutover-ok")
            defer { try? FileManager.default.removeItem(atPath: output) }
            try Self.script(Self.note, at: "\(output)/note.sh")
            let drill = try DrillRun.variant(
                of: "storefront-strong-dependency", in: output,
                replacing: [(Self.requestCutover, Self.stepwiseCutover(confirm: "[./note.sh, confirm]"))])
            let run = try await DrillRun.run(drill, lab: lab, output: output)
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .pass, "\(run.output.transcript)")
            let names = ["announce", "switch", "confirm", "never"]
            let steps = try #require(result.cutover?.steps)
            #expect(steps.map(\.name) == names)
            #expect(steps.map(\.outcome) == [.done, .done, .done, .done])
            #expect(try String(contentsOfFile: "\(output)/calls.log", encoding: .utf8) == "announce\nconfirm\nnever\n")

            let rto = try #require(result.rto)
            let parts = try #require(rto.switchSteps)
            // The switch ends when the moved user is first served by its new unit: the steps still
            // running then are its parts, those after it are clipped off (with focused probes, the
            // user is seen on hangzhou within milliseconds of the switch step).
            let shown = parts.map(\.name)
            #expect(Array(names.prefix(shown.count)) == shown && shown.contains("switch"), "\(shown)")
            #expect(parts.allSatisfy { $0.ms >= 0 })
            #expect(parts.reduce(0) { $0 + $1.ms } <= (rto.switchMs ?? 0) + 0.01, "the steps are parts of the switch")

            let report = try String(
                contentsOfFile:
                    "\(URL(fileURLWithPath: try #require(run.resultPath)).deletingLastPathComponent().path)/report.html",
                encoding: .utf8)
            for name in shown { #expect(report.contains("step <b>\(name)</b> "), "the report has no step \(name)") }
            let summary =
                #"switch [0-9.]+m?s \("# + shown.map { $0 + #" [0-9.]+m?s"# }.joined(separator: ", ") + #"\)"#
            #expect(
                run.output.stdout.range(of: summary, options: .regularExpression) != nil, "\(run.output.stdout)")
            #expect(result.cutback?.succeeded == true)
            #expect(run.user(6000)?.servedAfter == "hangzhou")
        }
    }
}
