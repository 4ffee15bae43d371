/// The RPO measured by canary writes: what was lost, against the goal, and how long writes were blocked.
enum RPOSection {
    /// Lost canaries listed before the rest are only counted.
    static let listLimit = 50

    static func render(_ rpo: RPORecord) -> String {
        var html = "<section id=\"rpo\">\n<h2>Data loss (RPO)</h2>\n"
        let goal = ReportText.span(rpo.goalMs)
        let verdict = "<b class=\"\(rpo.met ? "good" : "bad")\">\(rpo.met ? "met" : "MISSED")</b>"
        if let observed = rpo.observedMs {
            html +=
                "<p class=\"figure\"><span class=\"big \(rpo.met ? "good" : "bad")\">\(ReportText.span(observed))</span> "
                + "of acknowledged writes lost, against a goal of <b>\(goal)</b>: \(verdict).</p>\n"
        } else {
            html +=
                "<p class=\"figure\"><span class=\"big bad\">not measured</span> goal \(goal): \(verdict) "
                + "(the canaries could not all be read back).</p>\n"
        }
        var facts: [(String, String)] = [
            (
                "lost acknowledged writes",
                "<b class=\"\(rpo.lost == 0 ? "good" : "bad")\">\(rpo.lost)</b> of \(rpo.acked) acknowledged "
                    + "(\(rpo.written) written, \(rpo.ackedBeforeFault) acknowledged before the fault)"
            )
        ]
        if let from = rpo.writeBlockedFromMs, let to = rpo.writeBlockedToMs {
            facts.append(
                (
                    "writes blocked",
                    "\(ReportText.offset(from)) → \(ReportText.offset(to)) "
                        + "(\(ReportText.span(rpo.writeBlockedMs ?? to - from)), \(rpo.blocked) write(s) refused)"
                ))
        } else {
            facts.append(("writes blocked", "never (\(rpo.blocked) refused)"))
        }
        if let read = rpo.readMs { facts.append(("read back at", ReportText.offset(read))) }
        for error in rpo.readErrors {
            facts.append(("read error", "<span class=\"bad\">\(ReportText.escape(error))</span>"))
        }
        html += "<table class=\"facts\">\n<tbody>\n"
        html += facts.map { "<tr><th>\($0.0)</th><td>\($0.1)</td></tr>" }.joined(separator: "\n")
        html += "\n</tbody>\n</table>\n"
        if !rpo.lostCanaries.isEmpty {
            html +=
                "<h3>Lost canaries</h3>\n<table>\n<thead><tr><th>user</th><th>canary</th><th>acknowledged at</th>"
                + "<th>by unit</th></tr></thead>\n<tbody>\n"
            for lost in rpo.lostCanaries.prefix(listLimit) {
                html +=
                    "<tr><td>\(lost.user)</td><td class=\"num\">\(lost.seq)</td>"
                    + "<td class=\"num\">\(ReportText.offset(lost.ackedMs))</td>"
                    + "<td>\(ReportText.escape(lost.unit ?? "-"))</td></tr>\n"
            }
            if rpo.lostCanaries.count > listLimit {
                html +=
                    "<tr><td colspan=\"4\" class=\"muted\">… and \(rpo.lostCanaries.count - listLimit) more</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        return html + "</section>"
    }
}
