import Foundation
import GameDayCore
import Testing

/// The JUnit file CI reads: one case per verdict, impact per group, and a real consumer
/// (Python's junitparser, as CI plugins parse it) reading what was meant.
@Suite struct JUnitReportTests {
    static func passing() throws -> RunResult {
        try RunResult.read(Data(contentsOf: URL(fileURLWithPath: Fixture.path("results/v2-order-unit-failure.json"))))
    }

    /// The passing run with its recovery missed and a bystander hurt, as a failed run reads.
    static func failing() throws -> RunResult {
        var result = try passing()
        result.outcome = .fail
        result.exitCode = 1
        result.rto?.met = false
        result.rto?.goalMs = 500
        let hangzhou = try #require(result.users.firstIndex { $0.id == "50" })
        result.users[hangzhou].failures = 3
        result.verdicts = result.verdicts.map { verdict in
            switch verdict.name {
            case "recovery": Verdict("recovery", .fail, "RTO 1.1s exceeds the goal of 500ms <by 600ms> & more")
            case "blast_radius": Verdict("blast_radius", .fail, "user 50 failed 3 time(s) from +1500ms (status 503)")
            default: verdict
            }
        }
        return result
    }

    @Test func everyVerdictIsACaseAndImpactIsOnePerGroup() throws {
        let result = try Self.passing()
        let xml = JUnitReport.render(result)
        let names = xml.matches(of: /<testcase classname="gameday\.order-unit-failure" name="([^"]+)"/).map {
            String($0.1)
        }
        let groups = result.groups.map { "impact as expected: \($0.name)" }
        #expect(groups.count == 2)
        #expect(
            names == [
                "preflight: files valid, target reachable, users routed as the rule says",
                "steady state before the fault", "faults applied and in effect",
            ] + groups + [
                "blast radius contained", "cut-over completed", "cut-over seen by the probes",
                "recovered within the RTO", "RPO within its goal", "rollback clean",
            ])
        #expect(xml.contains("tests=\"\(names.count)\" failures=\"0\" errors=\"0\" skipped=\"0\""))
        // The recovery case's time is the measured RTO.
        let rto = try #require(result.rto?.measuredMs)
        #expect(xml.contains("name=\"recovered within the RTO\" time=\"\(String(format: "%.3f", rto / 1000))\""))
        #expect(xml.contains("<property name=\"rpo_lost_writes\" value=\"0\"/>"))
    }

    /// The bystander's case counts the probes its sentence speaks of: those sent while the faults
    /// were applied (27 in this run), not every probe of the run (48).
    @Test func anUnaffectedGroupsCaseCountsTheProbesWhileTheFaultsWereApplied() throws {
        let result = try Self.passing()
        let bystander = try #require(result.users.first { $0.id == "50" })
        #expect((bystander.samplesDuringFault, bystander.samples) == (27, 48))
        let xml = JUnitReport.render(result)
        #expect(xml.contains("user 50 never failed while the faults were applied (27 probes)"), "\(xml)")
    }

    @Test func failuresCarryTheVerdictsMessageEscaped() throws {
        let xml = JUnitReport.render(try Self.failing())
        #expect(xml.contains("failures=\"3\""), "recovery, blast radius, and hangzhou's group")
        #expect(
            xml.contains(
                "<failure message=\"RTO 1.1s exceeds the goal of 500ms &lt;by 600ms&gt; &amp; more\" type=\"verdict\">")
        )
        #expect(xml.contains("expected unaffected, but user 50 of 1 user failed while the faults were applied"))
    }

    @Test func aRunThatCouldNotGoOnIsAnErrorAndUnreachedVerdictsAreSkipped() throws {
        var result = try Self.passing()
        result.outcome = .error
        result.exitCode = 3
        result.reason = "the control plane is unreachable at http://127.0.0.1:1"
        result.verdicts = [
            Verdict("preflight", .fail, "the control plane is unreachable"),
            Verdict("impact", .skipped, "not reached"),
        ]
        let xml = JUnitReport.render(result)
        #expect(xml.contains("tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"2\""))
        #expect(
            xml.contains("<error message=\"error (exit 3): the control plane is unreachable at http://127.0.0.1:1\""))
    }

    @Test func controlCharactersCannotBreakTheXML() throws {
        var result = try Self.passing()
        result.verdicts = [Verdict("rollback", .fail, "a\u{0}b\u{1B}[31mc\"d'\ne")]
        let xml = JUnitReport.render(result)
        #expect(!xml.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(xml.contains("message=\"a\u{FFFD}b\u{FFFD}[31mc&quot;d&#39;&#10;e\""))
    }

    /// Parsed by junitparser (PyPI), as CI systems would. Skipped, with the reason printed, where
    /// Python or junitparser is missing; `scripts/setup.sh` installs it, so CI runs it.
    @Test func junitparserReadsWhatWasMeant() throws {
        guard let python = JUnitConsumer.python else {
            print("skipped: \(JUnitConsumer.unavailableReason)")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("junit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("junit.xml")
        try Data(JUnitReport.render(try Self.failing()).utf8).write(to: file)

        let script = """
            import json, sys
            from junitparser import JUnitXml, Failure, Error, Skipped
            xml = JUnitXml.fromfile(sys.argv[1])
            out = []
            for suite in xml:
                for case in suite:
                    kinds = [type(r).__name__ for r in case.result]
                    out.append({"suite": suite.name, "name": case.name, "classname": case.classname,
                                "time": case.time, "results": kinds,
                                "message": case.result[0].message if case.result else None})
            print(json.dumps(out))
            """
        let output = try JUnitConsumer.run(python, script: script, argument: file.path)
        struct Case: Decodable {
            var suite: String
            var name: String
            var classname: String
            var time: Double
            var results: [String]
            var message: String?
        }
        let cases = try JSONDecoder().decode([Case].self, from: Data(output.utf8))
        #expect(cases.count == 11)
        #expect(Set(cases.map(\.suite)) == ["order-unit-failure against lab"])
        let failed = cases.filter { $0.results == ["Failure"] }
        #expect(
            failed.map(\.name) == [
                "impact as expected: hangzhou-user", "blast radius contained", "recovered within the RTO",
            ])
        let recovery = try #require(failed.last)
        #expect(recovery.message == "RTO 1.1s exceeds the goal of 500ms <by 600ms> & more")
        #expect(recovery.time > 0)
        #expect(cases.filter { $0.results.isEmpty }.count == 8)
    }
}

/// Python with junitparser, for the tests that read the JUnit file as CI does.
enum JUnitConsumer {
    static let unavailableReason = "python3 with junitparser is not installed (pip install junitparser)"

    /// `python3` as found on the PATH (where `scripts/setup.sh` installed junitparser), if it has it.
    static var python: String? {
        (try? run("python3", script: "import junitparser", argument: "")) != nil ? "python3" : nil
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `script` with `argument`; its stdout, or throws with its stderr.
    static func run(_ python: String, script: String, argument: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script, argument]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: String(decoding: stderr, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}
