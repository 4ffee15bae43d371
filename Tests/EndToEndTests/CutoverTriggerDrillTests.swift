import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

/// `cutover.trigger` with the built binary against a real lab: the operator confirming on a real
/// pseudo-terminal, a CI job without one refused, an external decision by a real file.
@Suite(.serialized) struct CutoverTriggerDrillTests {
    /// The strong-dependency drill whose cut-over waits for `trigger`.
    static func drill(in directory: String, trigger: String) throws -> String {
        try DrillRun.variant(
            of: "storefront-strong-dependency", in: directory,
            replacing: [("cutover:\n  request:", "cutover:\n  \(trigger)\n  request:")])
    }

    static func result(in output: String, transcript: String) throws -> RunResult {
        let line = try #require(
            transcript.split(whereSeparator: \.isNewline).first { $0.contains("result: ") }, "\(transcript)")
        let path = String(line.split(separator: " ").last!).trimmingCharacters(in: .whitespacesAndNewlines)
        return try RunResult.read(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func theOperatorConfirmsOnATerminalAndTheDecideTimeIsTheirs() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let drill = try Self.drill(in: output, trigger: "trigger: prompt\n  trigger_timeout: 1m")
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = "1"
            let terminal = try PseudoTerminal(
                [
                    lab.binary, "run", drill, "--target", lab.targetPath, "--output", output, "--state-dir",
                    "\(output)/state",
                ], environment: environment)
            let asked = await terminal.waitFor("cut over now?", timeout: .seconds(60))
            #expect(asked, "\(terminal.transcript)")
            terminal.type("y\n")
            let code = await terminal.exitCode(timeout: .seconds(90))
            let transcript = terminal.transcript
            #expect(code == 0, "\(transcript)")
            // What was detected was shown before the question.
            #expect(transcript.contains("user(s) failing"))
            #expect(transcript.contains("6000"))
            #expect(transcript.contains("the cut-over will:"))
            #expect(transcript.contains("/v1/cutovers"))
            #expect(transcript.contains("(operator, waited "), "the summary names who decided: \(transcript)")

            let result = try Self.result(in: output, transcript: transcript)
            #expect(result.outcome == .pass)
            let decision = try #require(result.decision)
            #expect(decision.answer == .go)
            #expect(decision.decidedBy == .operator)
            #expect(decision.via == "the terminal")
            #expect(result.rto?.decidedBy == .operator)
            #expect(result.rto?.decisionWaitMs == decision.waitedMs)
            #expect(result.phases.map(\.name).contains(.decide))
            let archive = try #require(result.archive?.report)
            let directory = URL(
                fileURLWithPath: try #require(
                    transcript.split(whereSeparator: \.isNewline).first { $0.contains("result: ") }
                        .map { String($0.split(separator: " ").last!) })
            ).deletingLastPathComponent()
            let html = try String(contentsOf: directory.appendingPathComponent(archive), encoding: .utf8)
            #expect(html.contains("the operator decided, after "))
        }
    }

    @Test func aPromptWithoutATerminalIsRefusedInPreflightUnlessAssumed() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let drill = try Self.drill(in: output, trigger: "trigger: prompt")
            // The test runs it with stdin on /dev/null, as a CI job would.
            let refused = try await DrillRun.run(drill, lab: lab, output: output)
            #expect(refused.output.exitCode == 3, "\(refused.output.transcript)")
            #expect(refused.output.stdout.contains("stdin is not a terminal"), "\(refused.output.transcript)")
            #expect(refused.result?.faults.allSatisfy { $0.state == .notApplied } ?? true)
            #expect(refused.result?.timeline.fault == nil)

            let assumed = try await DrillRun.run(drill, lab: lab, output: output, extra: ["--assume-yes"])
            #expect(assumed.output.exitCode == 0, "\(assumed.output.transcript)")
            #expect(assumed.result?.decision?.decidedBy == .runner)
            #expect(assumed.result?.decision?.via == "--assume-yes")
        }
    }

    @Test func anExternalFileDecidesAndAnAbortRollsBack() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let drill = try Self.drill(in: output, trigger: "trigger: external\n  trigger_file: decision")
            let file = "\(output)/decision"
            let run = try await DrillRun.run(
                drill, lab: lab, output: output,
                onStderrLine: { line, _ in
                    guard line.contains("waiting for the decision: write go or abort into \(file)") else { return }
                    try? "abort".write(toFile: file, atomically: true, encoding: .utf8)
                })
            #expect(run.output.exitCode == 4, "\(run.output.transcript)")
            let result = try #require(run.result, "\(run.output.transcript)")
            #expect(result.outcome == .aborted)
            #expect(
                result.reason?.hasPrefix("the cut-over was declined (file \(file))") == true, "\(result.reason ?? "")")
            #expect(result.decision?.answer == .abort)
            #expect(result.decision?.decidedBy == .external)
            #expect(result.cutover == nil)
            #expect(result.faults.allSatisfy { $0.state == .reverted })
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }
}
