import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// What a run leaves for people and for CI: the archive directory, `--json`, `--junit`,
/// `--no-html`, the terminal's colour and live status, and no secret anywhere.
@Suite(.serialized) struct ArchiveTests {
    /// The lab's target with its token read from `GAMEDAY_TEST_TOKEN` instead of its file.
    static func targetWithTokenFromEnvironment(_ lab: TestLab, in directory: String) throws -> String {
        var target = try String(contentsOfFile: lab.targetPath, encoding: .utf8)
        let fileLine = try #require(target.split(separator: "\n").first { $0.contains("token:") })
        target = target.replacingOccurrences(of: String(fileLine), with: "  token: { env: GAMEDAY_TEST_TOKEN }")
        let path = "\(directory)/target.yaml"
        try target.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aRunWithATokenArchivesEverythingAndLeavesTheTokenNowhere() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let target = try Self.targetWithTokenFromEnvironment(lab, in: output)
            let junit = "\(output)/ci/junit.xml"
            let run = try await ChildProcess.run(
                [
                    lab.binary, "run", DrillRun.shipped("storefront-strong-dependency"), "--target", target,
                    "--output", "\(output)/results", "--state-dir", "\(output)/state", "--json", "--junit", junit,
                    "--raw-samples", "--verbose",
                ],
                environment: ProcessInfo.processInfo.environment.merging(["GAMEDAY_TEST_TOKEN": lab.token]) { $1 },
                timeout: .seconds(120))
            #expect(run.exitCode == 0, "\(run.transcript)")

            // --json: stdout is the result and nothing else; the summary went to stderr.
            let printed = try RunResult.read(Data(run.stdout.utf8))
            #expect(run.stderr.contains("storefront-strong-dependency against lab: PASS (exit 0)"))
            #expect(run.stderr.contains("cut-over state: done"), "--verbose shows the cut-over's states")
            #expect(run.stderr.contains("fault product-down ran: kill -s KILL"), "--verbose shows the commands")
            #expect(!run.stderr.contains("\u{1B}"), "no colour and no status line when stderr is not a terminal")

            // The archive: results/<drill>/<UTC time>-<run id>/ with every file it lists.
            let directory = "\(output)/results/storefront-strong-dependency"
            let runs = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(runs.count == 1)
            let name = try #require(runs.first)
            #expect(name.wholeMatch(of: /\d{8}T\d{6}Z-[0-9a-f]{8}/) != nil, "\(name)")
            #expect(name.hasSuffix(printed.runId))
            let archive = "\(directory)/\(name)"
            let archived = try RunResult.read(Data(contentsOf: URL(fileURLWithPath: "\(archive)/result.json")))
            #expect(archived == printed)
            #expect(archived.schemaVersion == RunResult.schemaVersion)
            let files = try #require(archived.archive)
            #expect(files.junit == "junit.xml")
            #expect(files.report == "report.html")
            let html = try String(contentsOfFile: "\(archive)/report.html", encoding: .utf8)
            #expect(html.contains("<h1>storefront-strong-dependency</h1>"))
            #expect(!html.contains(lab.token))
            #expect(files.rawSamples == "samples.ndjson")
            for file in [files.result, files.junit, files.report, files.rawSamples].compactMap({ $0 }) {
                #expect(FileManager.default.fileExists(atPath: "\(archive)/\(file)"), "\(file) is listed but missing")
            }
            try await DrillRun.validate("\(archive)/result.json")
            // --junit: the same file where CI looks for it.
            #expect(
                try String(contentsOfFile: junit, encoding: .utf8)
                    == String(contentsOfFile: "\(archive)/junit.xml", encoding: .utf8))

            // The token appears in no stream and no file the run wrote (archive, JUnit, raw samples,
            // ledger, heartbeat).
            #expect(!run.stdout.contains(lab.token))
            #expect(!run.stderr.contains(lab.token))
            var searched = 0
            for file in FileManager.default.enumerator(atPath: output)?.compactMap({ $0 as? String }) ?? [] {
                var isDirectory: ObjCBool = false
                let path = "\(output)/\(file)"
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                    file != "target.yaml"
                else { continue }
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                #expect(data.range(of: Data(lab.token.utf8)) == nil, "the token is in \(file)")
                searched += 1
            }
            #expect(searched >= 5, "result.json, junit.xml, report.html, samples.ndjson and ci/junit.xml at least")
            // The cut-over request was archived, with its Authorization redacted.
            #expect(archived.cutover?.request?.headers["Authorization"] == "Bearer ***")
        }
    }

    /// On a terminal (a pseudo-terminal from `script`): colour and a live status line; with
    /// `NO_COLOR`, the status line but no colour. `--no-html` and `--quiet` are honoured.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1)"))
    func onATerminalALiveStatusAndColourUnlessNoColor() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            func onTerminal(_ arguments: [String], noColor: Bool) async throws -> String {
                let command = ([lab.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
                var environment = ProcessInfo.processInfo.environment
                environment["NO_COLOR"] = noColor ? "1" : nil
                environment["TERM"] = "xterm"
                let typescript = "\(output)/typescript-\(UUID().uuidString)"
                let run = try await ChildProcess.run(
                    ["/usr/bin/script", "-q", "-e", "-c", command, typescript], environment: environment,
                    timeout: .seconds(120))
                #expect(run.exitCode == 0, "\(run.transcript)")
                return try String(contentsOfFile: typescript, encoding: .utf8)
            }
            let drill = DrillRun.shipped("storefront-weak-dependency")
            let base = ["run", drill, "--target", lab.targetPath, "--state-dir", "\(output)/state"]

            let coloured = try await onTerminal(base + ["--output", "\(output)/a"], noColor: false)
            #expect(coloured.contains("\u{1B}[32mPASS\u{1B}[0m"), "verdicts in colour")
            #expect(coloured.contains("\r\u{1B}[2K"), "a live status line, redrawn")
            // The status line itself: elapsed time, the phase, and each group with its rate and unit
            // (phase lines read "== observe", the summary "6000 (beijing-user)").
            #expect(
                // The widest groups come first: beijing-user in any place of the line.
                coloured.contains(
                    /\[\+\d+\.\d{3}s\] observe\u{1B}\[0m\u{1B}\[\d+m │ [^\r\n]*beijing-user \d+% beijing/),
                "no status line naming the phase and beijing-user's rate and unit")

            let plain = try await onTerminal(base + ["--output", "\(output)/b", "--no-html"], noColor: true)
            #expect(!plain.contains("\u{1B}[3"), "no colour with NO_COLOR")
            #expect(!plain.contains("\u{1B}[1m"), "no bold with NO_COLOR")
            #expect(plain.contains("\r\u{1B}[2K"), "NO_COLOR is about colour: the status line stays")
            #expect(plain.contains(/\] observe │ [^\r\n]*beijing-user \d+% beijing/), "the plain status line")
            let archive = try #require(
                try FileManager.default.subpathsOfDirectory(atPath: "\(output)/b").first {
                    $0.hasSuffix("result.json")
                })
            let result = try RunResult.read(Data(contentsOf: URL(fileURLWithPath: "\(output)/b/\(archive)")))
            #expect(result.archive?.report == nil, "--no-html")
            #expect(
                !FileManager.default.fileExists(
                    atPath: "\(output)/b/\(archive)".replacingOccurrences(
                        of: "result.json", with: "report.html")))

            let quiet = try await onTerminal(base + ["--output", "\(output)/c", "--quiet"], noColor: true)
            #expect(!quiet.contains("== inject"), "--quiet prints no phases")
            #expect(!quiet.contains("\r\u{1B}[2K"), "--quiet draws no status line")
            #expect(quiet.contains("storefront-weak-dependency against lab: PASS (exit 0)"))
        }
    }

    @Test func quietAndVerboseTogetherAreRefused() async throws {
        let binary = try GameDayBinary.path
        let run = try await ChildProcess.run(
            [
                binary, "run", DrillRun.shipped("storefront-weak-dependency"), "--target", "x.yaml", "--quiet",
                "--verbose",
            ])
        #expect(run.exitCode == 64, "\(run.transcript)")
        #expect(run.stderr.contains("--quiet and --verbose cannot be used together"))
    }
}
