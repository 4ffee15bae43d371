import Foundation
import GameDayTestSupport
import Testing

@testable import GameDayCore

/// The report stands alone and holds: nothing is fetched, nothing from the result is read as
/// markup, and the page parses as XML.
@Suite struct HTMLReportSafetyTests {
    static let hostile = "<script>alert(\"x\")</script> & 'co' <img src=x onerror=alert(1)>"
    static let escapedHostile =
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39; &lt;img src=x onerror=alert(1)&gt;"

    /// A real result with the hostile string in every text a drill, a target or a service can choose.
    static func hostileResult() throws -> RunResult {
        var result = try HTMLReportTests.result("storefront-strong-dependency")
        result.drill.name = hostile
        result.target.name = hostile
        result.runId = hostile
        result.reason = hostile
        result.verdicts[0].name = hostile
        result.verdicts[0].message = hostile
        result.users[0].name = hostile
        result.users[0].home = hostile
        // A failure as a server may word it, terminal colours and all: XML allows no control characters.
        result.users[0].timeline[1].failure = hostile + "\u{1b}[0m"
        result.users[0].timeline[1].unit = hostile
        result.faults[0].effect = hostile
        result.faults[0].plan.name = hostile
        result.faults[0].revert = hostile
        result.cutover?.states[0].state = hostile
        result.cutover?.error = hostile
        result.cutover?.request?.url = hostile
        return result
    }

    @Test func everyStringFromTheResultIsEscaped() throws {
        let html = HTMLReport.render(try Self.hostileResult())
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("alert(\"x\")"))
        #expect(html.contains("<h1>\(Self.escapedHostile)</h1>"))
        // The drill name, the verdict's name and message, the user, the fault and the cut-over state
        // each appear escaped, in text and in SVG tooltips alike.
        #expect(html.components(separatedBy: Self.escapedHostile).count - 1 >= 12)
    }

    @Test func escapingCoversTheFiveMarkupCharacters() {
        #expect(ReportText.escape("a<b>&\"'c") == "a&lt;b&gt;&amp;&quot;&#39;c")
        #expect(ReportText.escape("北京 → ok") == "北京 → ok")
        #expect(ReportText.escape("bell\u{7} nul\u{0}\ttab") == "bell\u{FFFD} nul\u{FFFD}\ttab")
        #expect(ReportText.number(12.345) == "12.3")
        #expect(ReportText.number(-0.04) == "0")
        #expect(ReportText.number(1e-9) == "0")
        #expect(ReportText.number(1_234_567) == "1234567")
    }

    @Test(arguments: HTMLReportTests.fixtures) func nothingIsFetched(_ name: String) throws {
        let html = HTMLReport.render(try HTMLReportTests.result(name))
        for pattern in [
            #"src\s*="#, #"href\s*="#, #"url\s*\("#, #"@import"#, #"<script"#, #"<link"#, #"<iframe"#, #"<object"#,
            #"<embed"#, #"@font-face"#,
        ] {
            let regex = try Regex(pattern).ignoresCase()
            #expect(html.firstMatch(of: regex) == nil, "\(name): the report matches \(pattern)")
        }
        #expect(html.contains("<style>"))
        #expect(html.contains("<svg class=\"timeline\""))
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"),
            "needs /usr/bin/python3 to parse the report with xml.etree"))
    func theReportIsWellFormedXML() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-xml-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var pages = try HTMLReportTests.fixtures.map { ($0, HTMLReport.render(try HTMLReportTests.result($0))) }
        pages.append(("hostile", HTMLReport.render(try Self.hostileResult())))
        var paths: [String] = []
        for (name, html) in pages {
            let path = directory.appendingPathComponent("\(name).html").path
            try Data(html.utf8).write(to: URL(fileURLWithPath: path))
            paths.append(path)
        }
        let script = """
            import sys, xml.etree.ElementTree as ET
            for path in sys.argv[1:]:
                root = ET.parse(path).getroot()
                assert root.tag == "html", path
                assert root.find("body/main") is not None, path
            print("parsed", len(sys.argv) - 1)
            """
        let output = try await ChildProcess.run(["/usr/bin/python3", "-c", script] + paths)
        #expect(output.exitCode == 0, "\(output.transcript)")
        #expect(output.stdout.contains("parsed \(paths.count)"))
    }
}
