/// The run's report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.
///
/// The page is XHTML-compatible (every element closed, every attribute quoted, no named entities),
/// so XML tools read it as well as browsers do.
public enum HTMLReport {
    /// The page for `result`; every string taken from the result is escaped.
    public static func render(_ result: RunResult) -> String {
        let palette = ReportPalette(result)
        let chart = TimelineChart(result, palette: palette)
        var sections = [
            header(result),
            "<section id=\"verdicts\">\n<h2>Verdicts</h2>\n\(ReportTables.verdicts(result))\n</section>",
            timeline(chart),
            RecoverySection.rto(result),
        ]
        if let rpo = result.rpo { sections.append(RPOSection.render(rpo)) }
        if !result.checks.isEmpty { sections.append(ChecksSection.render(result.checks)) }
        sections.append("<section id=\"faults\">\n<h2>Faults</h2>\n\(ReportTables.faults(result))\n</section>")
        sections.append(people(result, byGroup: chart.lanes.byGroup))
        sections.append(cutovers(result))
        sections.append(footer(result))
        let title = "\(result.outcome.rawValue.uppercased()) \(result.drill.name) · run \(result.runId)"
        return page(title: title, sections: sections)
    }

    /// A self-contained page: the stylesheet inline, `sections` in order.
    static func page(title: String, sections: [String]) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(ReportText.escape(title))</title>
        <style>
        \(ReportStyle.css)
        </style>
        </head>
        <body>
        <main>
        \(sections.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
    }

    static func header(_ result: RunResult) -> String {
        let facts: [(String, String)] = [
            (
                "target",
                "\(ReportText.escape(result.target.name)) <span class=\"muted\">\(ReportText.escape(result.target.file))</span>"
            ),
            ("drill file", "<span class=\"muted\">\(ReportText.escape(result.drill.file))</span>"),
            ("run", "<code>\(ReportText.escape(result.runId))</code>"),
            ("started", ReportText.escape(ReportText.utc(result.startedAt))),
            ("duration", result.durationMs.map(ReportText.span) ?? "unknown (the run did not finish)"),
            (
                "probes",
                ReportText.escape(
                    result.probes?.words(probeIntervalMs: result.probeIntervalMs)
                        ?? "every \(DurationText.format(.milliseconds(result.probeIntervalMs)))")
            ),
            ("exit code", "\(result.exitCode)"),
        ]
        return header(outcome: result.outcome, title: result.drill.name, facts: facts, reason: result.reason)
    }

    /// The outcome's badge, the title and its facts (cells already HTML), and why it did not pass.
    static func header(outcome: RunOutcome, title: String, facts: [(String, String)], reason: String?) -> String {
        let word = outcome.rawValue
        var html =
            "<header>\n<div class=\"outcome \(ReportText.escape(word))\">\(ReportText.escape(word.uppercased()))</div>\n"
            + "<div>\n<h1>\(ReportText.escape(title))</h1>\n<table class=\"facts\">\n<tbody>\n"
        html += facts.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined(separator: "\n")
        html += "\n</tbody>\n</table>\n</div>\n</header>"
        if let reason, !reason.isEmpty, outcome != .pass {
            html += "\n<p class=\"why\"><b>why:</b> \(ReportText.escape(reason))</p>"
        }
        return html
    }

    static func timeline(_ chart: TimelineChart) -> String {
        let lanes = chart.lanes.byGroup ? "user group (a bar per probe bucket)" : "test user"
        return """
            <section id="timeline">
            <h2>Timeline</h2>
            <p class="muted">One lane per \(lanes): the upper bar is the probes' outcome, the thin band under it \
            the unit that answered them. Vertical lines mark the moments of the drill.</p>
            \(chart.svg())
            \(TimelineLegend(chart: chart).html())
            <h3>Moments</h3>
            \(RecoverySection.moments(chart.result))
            </section>
            """
    }

    static func people(_ result: RunResult, byGroup: Bool) -> String {
        var html = ""
        if byGroup || result.groups.contains(where: { $0.users.count > 1 }) {
            html += "<section id=\"groups\">\n<h2>Groups</h2>\n\(ReportTables.groups(result))\n</section>\n"
        }
        return html + "<section id=\"users\">\n<h2>Users</h2>\n\(ReportTables.users(result))\n</section>"
    }

    static func cutovers(_ result: RunResult) -> String {
        var html = "<section id=\"cutover\">\n<h2>Cut-over</h2>\n"
        if result.cutover == nil, result.cutback == nil {
            html += "<p class=\"muted\">No cut-over was requested.</p>\n"
        }
        if let cutover = result.cutover { html += ReportTables.cutover("Cut-over", cutover) + "\n" }
        if let cutback = result.cutback { html += ReportTables.cutover("Cut-back", cutback) + "\n" }
        return html + "</section>"
    }

    static func footer(_ result: RunResult) -> String {
        var text = "Made by gameday from result.json (schema \(result.schemaVersion))"
        if let raw = result.archive?.rawSamples { text += "; raw samples in \(ReportText.escape(raw))" }
        return "<footer>\(text).</footer>"
    }
}
