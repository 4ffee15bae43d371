import Foundation
import GameDayCore
import Testing

@testable import GameDayCLI

/// The terminal's choices: colour only where it belongs, a status line that fits, a summary that
/// says what an SRE looks for first.
@Suite struct TerminalOutputTests {
    @Test func colourOnlyOnATerminalAndNeverWithNoColor() {
        #expect(TerminalStyle(isTerminal: true, environment: ["TERM": "xterm"]).color)
        #expect(!TerminalStyle(isTerminal: false, environment: ["TERM": "xterm"]).color)
        #expect(!TerminalStyle(isTerminal: true, environment: ["NO_COLOR": "1"]).color)
        // no-color.org: set and not empty.
        #expect(TerminalStyle(isTerminal: true, environment: ["NO_COLOR": ""]).color)
        #expect(!TerminalStyle(isTerminal: true, environment: ["TERM": "dumb"]).color)
        #expect(TerminalStyle.plain.red("x") == "x")
        #expect(TerminalStyle(color: true).red("x") == "\u{1B}[31mx\u{1B}[0m")
    }

    @Test func theStatusLineShowsPhaseRateAndUnitAndCountsWhatDoesNotFit() {
        let status = LiveStatus(
            phase: .observe, elapsed: .milliseconds(3_250),
            groups: [
                .init(name: "beijing-users", ok: 2, failed: 8, units: ["beijing": 10]),
                .init(name: "hangzhou-users", ok: 10, failed: 0, units: ["hangzhou": 10]),
                .init(name: "moved", ok: 3, failed: 0, units: ["beijing": 1, "hangzhou": 2]),
            ])
        let wide = EventPrinter.statusLine(status, width: 200, style: .plain)
        #expect(
            wide == "[+3.250s] observe │ beijing-users 20% beijing │ hangzhou-users 100% hangzhou │ moved 100% hangzhou"
        )
        let narrow = EventPrinter.statusLine(status, width: 60, style: .plain)
        #expect(narrow == "[+3.250s] observe │ beijing-users 20% beijing │ +2 more")
        #expect(narrow.count <= 60)
        let none = EventPrinter.statusLine(
            LiveStatus(phase: .steadyState, elapsed: .zero, groups: [.init(name: "g")]), width: 80, style: .plain)
        #expect(none == "[+0.000s] steady-state │ g - -")
    }

    @Test func theSummarySaysWhatWasMeasuredImpactedRevertedAndWhereTheArchiveIs() throws {
        let json = """
            {"schema_version": 2, "run_id": "0b34c4de", "drill": {"name": "d", "file": "d.yaml"},
             "target": {"name": "lab", "file": "t.yaml"}, "started_at": "2026-11-21T09:34:17.844Z",
             "duration_ms": 3949, "outcome": "fail", "exit_code": 1, "reason": "recovery: RTO missed",
             "verdicts": [{"name": "impact", "status": "pass", "message": "user 6000 failed"},
                          {"name": "recovery", "status": "fail", "message": "RTO missed"}],
             "phases": [], "timeline": {}, "users": [], "faults": [], "probe_interval_ms": 100,
             "rto": {"goal_ms": 1000, "measured_ms": 1096, "met": false, "detect_ms": 197, "decide_ms": 826,
                     "switch_ms": 70, "converge_ms": 3, "window": "5 consecutive"},
             "archive": {"result": "result.json", "junit": "junit.xml", "report": "report.html"}}
            """
        let result = try RunResult.read(Data(json.utf8))
        let text = Summary(result: result, archive: "results/d/20261121T093417Z-0b34c4de").render()
        #expect(text.hasPrefix("d against lab: FAIL (exit 1)  run 0b34c4de, 3.949s\n  why: recovery: RTO missed"))
        #expect(text.contains("    FAIL  recovery  RTO missed"))
        #expect(text.contains("  RTO: 1.096s (goal 1s, MISSED): detect 197ms, decide 826ms, switch 70ms, converge 3ms"))
        #expect(
            text.contains(
                "  archive: results/d/20261121T093417Z-0b34c4de/ (result.json, junit.xml, report.html)"))
        #expect(text.hasSuffix("  result: results/d/20261121T093417Z-0b34c4de/result.json"))
    }

    @Test func theSummaryNamesTheHostsOrPodsAFaultHitTheFirstFewOnly() {
        #expect(Summary.hit(["pod/a", "pod/b"]) == "pod/a, pod/b")
        #expect(
            Summary.hit((1...7).map { "10.0.1.\($0)" })
                == "10.0.1.1, 10.0.1.2, 10.0.1.3, 10.0.1.4, 10.0.1.5 and 2 more (result.json lists each)")
    }
}
