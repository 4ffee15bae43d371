import Foundation
import GameDayTestSupport
import Testing

@testable import GameDayCore

/// The HTML report of real archived runs (`Fixtures/results`): what it shows, that it shows it where
/// the times put it, that nothing from the result can break out of its text, and that the page
/// stands alone.
@Suite struct HTMLReportTests {
    static let fixtures = [
        "storefront-strong-dependency", "order-unit-failure", "storefront-range-cutover", "storefront-aborted",
    ]

    /// A result archived by a real run against the lab.
    static func result(_ name: String) throws -> RunResult {
        let data = try Data(contentsOf: URL(fileURLWithPath: try Fixture.path("results/\(name).json")))
        return try JSONDecoder().decode(RunResult.self, from: data)
    }

    // MARK: - Content

    @Test(arguments: fixtures) func everyVerdictHasItsRowWithItsStatus(_ name: String) throws {
        let result = try Self.result(name)
        let html = HTMLReport.render(result)
        #expect(!result.verdicts.isEmpty)
        for verdict in result.verdicts {
            let status =
                switch verdict.status {
                case .pass: "<span class=\"status pass\">PASS</span>"
                case .fail: "<span class=\"status fail\">FAIL</span>"
                case .skipped: "<span class=\"status skip\">SKIP</span>"
                }
            let row =
                "<tr><td>\(status)</td><td><b>\(ReportText.escape(verdict.name))</b></td>"
                + "<td>\(ReportText.escape(verdict.message))</td></tr>"
            #expect(html.contains(row), "no row for the verdict \(verdict.name)")
        }
        let outcome = result.outcome.rawValue
        #expect(html.contains("<div class=\"outcome \(outcome)\">\(outcome.uppercased())</div>"))
        #expect(html.contains("<code>\(result.runId)</code>"))
    }

    @Test func theHeaderSaysWhenAndHowLongInUTC() throws {
        let result = try Self.result("storefront-strong-dependency")
        let html = HTMLReport.render(result)
        #expect(result.startedAt == "2026-11-21T09:34:01.014Z")
        #expect(html.contains("<tr><th>started</th><td>2026-11-21 09:34:01.014 UTC</td></tr>"))
        #expect(html.contains("<tr><th>duration</th><td>3.811s</td></tr>"))
    }

    @Test func theRTOBreakdownIsAStackedBarOfItsFourParts() throws {
        let result = try Self.result("storefront-strong-dependency")
        let rto = try #require(result.rto)
        let measured = try #require(rto.measuredMs)
        let svg = RecoverySection.bar(rto, measured: measured)
        let scale = TimeScale(endMs: max(measured, rto.goalMs) * 1.04, left: 10, right: 850)
        var at = 0.0
        for (part, ms) in [("detect", rto.detectMs), ("decide", rto.decideMs), ("switch", rto.switchMs)] {
            let ms = try #require(ms)
            let rect = try #require(SVGScan.element("rect", class: "rto-part rto-\(part)", in: svg))
            #expect(
                SVGScan.attribute("x", of: rect) == ReportText.number(scale.x(at)),
                "\(part) starts where the last ended")
            #expect(SVGScan.attribute("width", of: rect) == ReportText.number(scale.x(at + ms) - scale.x(at)))
            at += ms
        }
        // converge was 0ms in this run: no bar drawn for it, and the parts add up to the RTO.
        #expect(rto.convergeMs == 0)
        #expect(SVGScan.element("rect", class: "rto-part rto-converge", in: svg) == nil)
        #expect(abs(at - measured) < 0.01)
        let html = HTMLReport.render(result)
        #expect(html.contains("<b>detect</b> 97ms"))
        #expect(html.contains("<b>converge</b> 0ms"))
        #expect(html.contains("against a goal of <b>5s</b>: <b class=\"good\">met</b>"))
    }

    @Test func theRPOSectionShowsLostWritesAndTheWriteBlock() throws {
        var result = try Self.result("order-unit-failure")
        #expect(HTMLReport.render(result).contains("<b class=\"good\">0</b> of 16 acknowledged"))
        var rpo = try #require(result.rpo)
        rpo.lost = 2
        rpo.met = false
        rpo.observedMs = 140
        rpo.lostCanaries = [
            .init(user: "6000", seq: 11, ackedMs: 1020, unit: "beijing"),
            .init(user: "6000", seq: 12, ackedMs: 1110, unit: "beijing"),
        ]
        rpo.blocked = 3
        (rpo.writeBlockedFromMs, rpo.writeBlockedToMs, rpo.writeBlockedMs) = (2150, 2210, 60)
        result.rpo = rpo
        let chart = TimelineChart(result, palette: ReportPalette(result))
        let svg = chart.svg()
        #expect(SVGScan.elements("line", class: "lost-canary", in: svg).count == 2)
        let window = try #require(SVGScan.element("rect", class: "write-blocked", in: svg))
        #expect(SVGScan.attribute("x", of: window) == ReportText.number(chart.scale.x(2150)))
        let html = HTMLReport.render(result)
        #expect(html.contains("<span class=\"big bad\">140ms</span>"))
        #expect(html.contains("<b class=\"bad\">2</b> of 16 acknowledged"))
        #expect(html.contains("+2.15s → +2.21s (60ms, 3 write(s) refused)"))
        #expect(
            html.contains(
                "<tr><td>6000</td><td class=\"num\">12</td><td class=\"num\">+1.11s</td><td>beijing</td></tr>"))
    }

    /// Each host or pod a fault hit, folded under its effect, escaped.
    @Test func theHostsAndPodsAFaultHitAreListedUnderItsEffect() throws {
        var result = try Self.result("storefront-strong-dependency")
        result.faults[0].hosts = [
            HostFault(host: "pod/product-x2x4z", pids: [7], effect: "7 stopped"),
            HostFault(host: "10.0.1.12:2222", pids: [41], effect: "SIGKILL sent to 41; <gone>"),
        ]
        let html = HTMLReport.render(result)
        #expect(
            html.contains(
                "<details><summary>2 hit</summary><ul><li><code>pod/product-x2x4z</code> 7 stopped</li>"
                    + "<li><code>10.0.1.12:2222</code> SIGKILL sent to 41; &lt;gone&gt;</li></ul></details>"))
    }

    @Test func faultsUsersAndCutoverStatesAreListed() throws {
        let result = try Self.result("storefront-strong-dependency")
        let html = HTMLReport.render(result)
        let fault = try #require(result.faults.first)
        #expect(html.contains("<b>product-down</b><br/><span class=\"muted\">kill-process on beijing/product</span>"))
        #expect(html.contains(ReportText.escape(try #require(fault.effect))))
        #expect(html.contains("<b>6000</b> beijing-user"))
        #expect(html.contains("beijing → hangzhou"))
        for state in try #require(result.cutover).states + (try #require(result.cutback)).states {
            #expect(html.contains("<td><code>\(state.state)</code></td><td>\(ReportText.offset(state.ms))</td>"))
        }
    }
}
