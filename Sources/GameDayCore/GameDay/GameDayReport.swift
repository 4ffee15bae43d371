/// A game day's index page: one row per drill (outcome, RTO, its own report), and every drill on one
/// time axis, with the pauses between them. Self-contained like the drills' reports.
public enum GameDayReport {
    public static func render(_ result: GameDayResult) -> String {
        let title = "\(result.outcome.rawValue.uppercased()) game day \(result.gameDay.name) · \(result.gameDayId)"
        return HTMLReport.page(title: title, sections: [header(result), table(result), timeline(result)])
    }

    static func header(_ result: GameDayResult) -> String {
        let ran = result.drills.filter { $0.status == .ran }.count
        let passed = result.drills.filter { $0.outcome == .pass }.count
        let facts: [(String, String)] = [
            (
                "target",
                "\(ReportText.escape(result.target.name)) <span class=\"muted\">\(ReportText.escape(result.target.file))</span>"
            ),
            ("game-day file", "<span class=\"muted\">\(ReportText.escape(result.gameDay.file))</span>"),
            ("game day", "<code>\(ReportText.escape(result.gameDayId))</code>"),
            ("started", ReportText.escape(ReportText.utc(result.startedAt))),
            ("duration", result.durationMs.map(ReportText.span) ?? "unknown"),
            (
                "drills",
                "\(passed) passed of \(ran) run, \(result.drills.count) planned (stop on \(result.stopOn.rawValue))"
            ),
            ("exit code", "\(result.exitCode)"),
        ]
        return HTMLReport.header(
            outcome: result.outcome, title: result.gameDay.name, facts: facts, reason: result.reason)
    }

    static func table(_ result: GameDayResult) -> String {
        let rows = result.drills.enumerated().map { index, drill -> [String] in
            let outcome = drill.outcome?.rawValue ?? drill.status.rawValue
            let css = drill.outcome == .pass ? "good" : drill.status == .skipped ? "muted" : "bad"
            let name =
                drill.archive.map {
                    "<a href=\"\(ReportText.escape($0))/report.html\">\(ReportText.escape(drill.drill))</a>"
                }
                ?? ReportText.escape(drill.drill)
            let rto =
                drill.rto.map { rto in
                    (rto.measuredMs.map(ReportText.span) ?? "not recovered") + " (goal \(ReportText.span(rto.goalMs)))"
                } ?? "-"
            return [
                "\(index + 1)", name, "<b class=\"\(css)\">\(ReportText.escape(outcome))</b>", ReportText.escape(rto),
                drill.offsetMs.map(ReportText.offset) ?? "-", drill.durationMs.map(ReportText.span) ?? "-",
                ReportText.escape(drill.reason ?? ""),
            ]
        }
        return "<section id=\"drills\">\n<h2>Drills</h2>\n"
            + ReportTables.table(["#", "drill", "outcome", "RTO", "started", "took", "why"], rows)
            + "\n</section>"
    }

    /// Every drill that ran on one axis from the game day's start: its phases, its fault (red tick)
    /// and its users' recovery (green tick).
    static func timeline(_ result: GameDayResult) -> String {
        let ran = result.drills.filter { $0.offsetMs != nil }
        let end = max(
            result.durationMs ?? 0, ran.map { ($0.offsetMs ?? 0) + ($0.durationMs ?? 0) }.max() ?? 0, 1)
        let width = 1080.0
        let left = 220.0
        let right = width - 16
        func x(_ ms: Double) -> Double { left + (right - left) * min(max(ms / end, 0), 1) }
        let pitch = 26.0
        let height = 30 + Double(ran.count) * pitch + 24
        var body: [String] = []
        for (row, drill) in ran.enumerated() {
            let y = 20 + Double(row) * pitch
            let start = drill.offsetMs ?? 0
            body.append(SVG.text(drill.drill, x: left - 10, y: y + 13, anchor: "end", ["class": "lane"]))
            for phase in drill.phases ?? [] {
                let x0 = x(start + phase.startedMs)
                let x1 = x(start + (phase.endedMs ?? phase.startedMs))
                body.append(
                    SVG.rect(
                        x: x0, y: y, width: max(x1 - x0, 1), height: 18, fill: ReportPalette.phase(phase.name),
                        ["stroke": "#ffffff"], title: "\(drill.drill): \(phase.name.rawValue)"))
            }
            let colour = drill.outcome == .pass ? ReportPalette.ok : ReportPalette.failed
            if let fault = drill.faultMs {
                body.append(
                    SVG.line(
                        x1: x(start + fault), y1: y - 2, x2: x(start + fault), y2: y + 20, stroke: ReportPalette.failed,
                        ["stroke-width": "2"], title: "\(drill.drill): fault at \(ReportText.offset(start + fault))"))
            }
            if let recovered = drill.recoveredMs {
                body.append(
                    SVG.line(
                        x1: x(start + recovered), y1: y - 2, x2: x(start + recovered), y2: y + 20,
                        stroke: ReportPalette.ok, ["stroke-width": "2"],
                        title: "\(drill.drill): recovered at \(ReportText.offset(start + recovered))"))
            }
            let label = drill.outcome?.rawValue.uppercased() ?? drill.status.rawValue
            body.append(
                SVG.text(
                    label, x: x(start + (drill.durationMs ?? 0)) + 4, y: y + 13, anchor: "start",
                    ["class": "mark-label", "fill": colour]))
        }
        let axisY = height - 14
        body.append(SVG.line(x1: left, y1: axisY - 10, x2: right, y2: axisY - 10, stroke: ReportPalette.grid))
        body.append(SVG.text("+0s", x: left, y: axisY, anchor: "start", ["class": "detail"]))
        body.append(SVG.text(ReportText.offset(end), x: right, y: axisY, anchor: "end", ["class": "detail"]))
        let size = "width=\"\(ReportText.number(width))\" height=\"\(ReportText.number(height))\""
        return "<section id=\"timeline\">\n<h2>Timeline</h2>\n"
            + "<svg class=\"timeline\" viewBox=\"0 0 \(ReportText.number(width)) \(ReportText.number(height))\" \(size) "
            + "role=\"img\" aria-label=\"The game day's drills on one time axis\">\n" + body.joined(separator: "\n")
            + "\n</svg>\n</section>"
    }
}
