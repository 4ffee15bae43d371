import Foundation

/// The run as JUnit XML, for CI: one test suite per drill run, one test case per verdict, and the
/// impact verdict split into one case per user group.
///
/// Test case names are fixed (`recovered within the RTO`), so a CI's history of a case follows it
/// from run to run; what was measured goes in the message, the case's output and, for the RTO, its
/// `time`. Built from `RunResult` alone, so an archive's JUnit file can be written again from its
/// `result.json`.
public enum JUnitReport {
    public static func render(_ result: RunResult) -> String { render([result]) }

    /// Several runs (a game day's drills) in one file: a test suite per run, in order. `skipped`
    /// names drills that never ran (the game day stopped first), each a suite of one skipped case.
    public static func render(_ results: [RunResult], name: String = "gameday", skipped: [(String, String)] = [])
        -> String
    {
        let suites = results.map(suite) + skipped.map { skippedSuite(drill: $0.0, reason: $0.1) }
        let total = seconds(results.compactMap(\.durationMs).reduce(0, +))
        let sums = (0..<4).map { index in suites.map { $0.counts[index] }.reduce(0, +) }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\(attribute(name)) \(countText(sums)) time=\"\(total)\">\n"
        xml += suites.map(\.xml).joined()
        return xml + "</testsuites>\n"
    }

    /// `tests="…" failures="…" errors="…" skipped="…"`.
    private static func countText(_ counts: [Int]) -> String {
        "tests=\"\(counts[0])\" failures=\"\(counts[1])\" errors=\"\(counts[2])\" skipped=\"\(counts[3])\""
    }

    /// One run's `<testsuite>` and its counts (tests, failures, errors, skipped).
    private static func suite(_ result: RunResult) -> (xml: String, counts: [Int]) {
        let cases = testCases(result)
        let failures = cases.filter { if case .failure = $0.outcome { true } else { false } }.count
        let errors = cases.filter { if case .error = $0.outcome { true } else { false } }.count
        let skipped = cases.filter { if case .skipped = $0.outcome { true } else { false } }.count
        let counts = [cases.count, failures, errors, skipped]
        let total = seconds(result.durationMs ?? 0)
        var xml =
            "  <testsuite name=\(attribute("\(result.drill.name) against \(result.target.name)")) \(countText(counts)) time=\"\(total)\" timestamp=\(attribute(result.startedAt))>\n"
        xml += "    <properties>\n"
        for (name, value) in properties(result) {
            xml += "      <property name=\(attribute(name)) value=\(attribute(value))/>\n"
        }
        xml += "    </properties>\n"
        let classname = "gameday.\(result.drill.name)"
        for testCase in cases {
            xml +=
                "    <testcase classname=\(attribute(classname)) name=\(attribute(testCase.name)) time=\"\(seconds(testCase.timeMs ?? 0))\""
            switch testCase.outcome {
            case .pass where testCase.output == nil:
                xml += "/>\n"
                continue
            case .pass:
                xml += ">\n"
            case .failure(let message):
                xml += ">\n      <failure message=\(attribute(message)) type=\"verdict\">\(text(message))</failure>\n"
            case .error(let message):
                xml += ">\n      <error message=\(attribute(message)) type=\"run\">\(text(message))</error>\n"
            case .skipped(let message):
                xml += ">\n      <skipped message=\(attribute(message))/>\n"
            }
            if let output = testCase.output { xml += "      <system-out>\(text(output))</system-out>\n" }
            xml += "    </testcase>\n"
        }
        return (xml + "  </testsuite>\n", counts)
    }

    /// A drill the game day did not run: one skipped case saying why.
    private static func skippedSuite(drill: String, reason: String) -> (xml: String, counts: [Int]) {
        let counts = [1, 0, 0, 1]
        let xml =
            "  <testsuite name=\(attribute(drill)) \(countText(counts)) time=\"0.000\">\n"
            + "    <testcase classname=\(attribute("gameday.\(drill)")) name=\"drill run\" time=\"0.000\">\n"
            + "      <skipped message=\(attribute(reason))/>\n    </testcase>\n  </testsuite>\n"
        return (xml, counts)
    }

    /// One JUnit test case.
    struct TestCase: Equatable {
        enum Outcome: Equatable {
            case pass
            case failure(String)
            case error(String)
            case skipped(String)
        }

        var name: String
        var outcome: Outcome
        var output: String?
        var timeMs: Double?
    }

    /// The fixed name of each verdict's test case.
    static let names: [String: String] = [
        "preflight": "preflight: files valid, target reachable, users routed as the rule says",
        "steady_state": "steady state before the fault",
        "faults_applied": "faults applied and in effect",
        "impact": "impact as expected",
        "blast_radius": "blast radius contained",
        "cutover": "cut-over completed",
        "cutover_seen": "cut-over seen by the probes",
        "recovery": "recovered within the RTO",
        "rpo": "RPO within its goal",
        "rollback": "rollback clean",
    ]

    static func testCases(_ result: RunResult) -> [TestCase] {
        var cases: [TestCase] = []
        for verdict in result.verdicts {
            if verdict.name == "impact", !result.groups.isEmpty {
                cases += impactCases(result, verdict: verdict)
                continue
            }
            var testCase = TestCase(name: names[verdict.name] ?? verdict.name, outcome: outcome(verdict))
            if case .pass = testCase.outcome { testCase.output = verdict.message }
            if verdict.name == "recovery", let rto = result.rto {
                testCase.timeMs = rto.measuredMs
                testCase.output = rtoLine(rto)
            }
            cases.append(testCase)
        }
        // A run that could not go on is an error of its own, beside the verdicts it never reached.
        if result.outcome == .error || result.outcome == .aborted {
            cases.append(
                TestCase(
                    name: "run completed",
                    outcome: .error(
                        "\(result.outcome.rawValue) (exit \(result.exitCode)): \(result.reason ?? "the run stopped")")))
        }
        return cases
    }

    /// One case per user group that expects something: `fail` groups must have failed (each user),
    /// `none` groups must not have (while the faults were applied).
    private static func impactCases(_ result: RunResult, verdict: Verdict) -> [TestCase] {
        let users = Dictionary(result.users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return result.groups.compactMap { group in
            let name = "impact as expected: \(group.name)"
            guard group.expectedImpact == "fail" || group.expectedImpact == "none" else { return nil }
            if verdict.status == .skipped { return TestCase(name: name, outcome: .skipped(verdict.message)) }
            let count = "\(group.users.count) user\(group.users.count == 1 ? "" : "s")"
            if group.expectedImpact == "fail" {
                let missed = group.users.filter { users[$0]?.firstFailureMs == nil }
                guard missed.isEmpty else {
                    return TestCase(
                        name: name,
                        outcome: .failure(
                            "expected to fail but never did: \(list(missed)) of \(count) (the fault did not hit what the drill thinks it hits)"
                        ))
                }
                let first = group.detectMs.map { " from +\(milliseconds($0))" } ?? ""
                let who = group.users.count == 1 ? "user \(group.users[0])" : "all \(count)"
                return TestCase(name: name, outcome: .pass, output: "\(who) failed as expected\(first)")
            }
            let hurt = group.users.filter { (users[$0]?.failures ?? 0) > 0 }
            guard hurt.isEmpty else {
                return TestCase(
                    name: name,
                    outcome: .failure(
                        "expected unaffected, but \(list(hurt)) of \(count) failed while the faults were applied (\(group.failures) failed probes)"
                    ))
            }
            let who = group.users.count == 1 ? "user \(group.users[0]) never failed" : "none of \(count) failed"
            // The probes the sentence speaks of: those sent while the faults were applied, not the run's.
            let during = group.users.reduce(0) { $0 + (users[$1]?.samplesDuringFault ?? 0) }
            return TestCase(
                name: name, outcome: .pass, output: "\(who) while the faults were applied (\(during) probes)")
        }
    }

    private static func outcome(_ verdict: Verdict) -> TestCase.Outcome {
        switch verdict.status {
        case .pass: .pass
        case .fail: .failure(verdict.message)
        case .skipped: .skipped(verdict.message)
        }
    }

    private static func rtoLine(_ rto: RTORecord) -> String {
        let parts = [
            ("detect", rto.detectMs.map(milliseconds)), ("decide", rto.decideText(milliseconds)),
            ("switch", rto.switchText(milliseconds)), ("converge", rto.convergeMs.map(milliseconds)),
        ]
        .compactMap { name, value in value.map { "\(name) \($0)" } }
        let measured = rto.measuredMs.map(milliseconds) ?? "not measured"
        return
            "RTO \(measured) (goal \(milliseconds(rto.goalMs)), \(rto.met ? "met" : "missed")): \(parts.joined(separator: ", "))"
    }

    private static func properties(_ result: RunResult) -> [(String, String)] {
        var properties = [
            ("run_id", result.runId), ("drill_file", result.drill.file), ("target", result.target.name),
            ("outcome", result.outcome.rawValue), ("exit_code", String(result.exitCode)),
            ("started_at", result.startedAt), ("schema_version", String(result.schemaVersion)),
        ]
        if let rto = result.rto {
            properties.append(("rto_goal_ms", number(rto.goalMs)))
            if let measured = rto.measuredMs { properties.append(("rto_measured_ms", number(measured))) }
        }
        if let rpo = result.rpo {
            properties.append(("rpo_goal_ms", number(rpo.goalMs)))
            if let observed = rpo.observedMs { properties.append(("rpo_observed_ms", number(observed))) }
            properties.append(("rpo_lost_writes", String(rpo.lost)))
        }
        return properties
    }

    private static func list(_ users: [String]) -> String {
        let shown = users.prefix(10).map { "user \($0)" }.joined(separator: ", ")
        return users.count > 10 ? "\(shown) and \(users.count - 10) more" : shown
    }

    private static func milliseconds(_ value: Double) -> String {
        DurationText.format(.milliseconds(value.rounded()))
    }

    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func seconds(_ ms: Double) -> String { String(format: "%.3f", ms / 1000) }

    /// A quoted attribute value; a newline is kept as a character reference (a parser would make
    /// a bare one a space).
    static func attribute(_ value: String) -> String {
        "\"" + ReportText.escape(value).replacingOccurrences(of: "\n", with: "&#10;") + "\""
    }

    static func text(_ value: String) -> String { ReportText.escape(value) }
}
