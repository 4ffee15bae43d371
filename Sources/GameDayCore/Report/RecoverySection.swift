/// The RTO with its breakdown drawn as a stacked bar, the design's moments, and the RPO.
enum RecoverySection {
    /// The four parts of the RTO, with what each spans.
    static func parts(of rto: RTORecord) -> [(name: String, ms: Double?, span: String)] {
        [
            ("detect", rto.detectMs, "fault applied → first failed probe"),
            ("decide", rto.decideMs, "first failed probe → cut-over requested" + decider(rto)),
            ("switch", rto.switchMs, "cut-over requested → control plane done"),
            ("converge", rto.convergeMs, "control plane done → every impacted user recovered"),
        ]
    }

    /// `; the operator decided, after 10.1s of waiting` when a person (or a file, a call) did.
    static func decider(_ rto: RTORecord) -> String {
        guard let by = rto.decidedBy, by != .runner else { return "" }
        let who = by == .operator ? "the operator" : "an external decision"
        return "; \(who) decided" + (rto.decisionWaitMs.map { ", after \(ReportText.span($0)) of waiting" } ?? "")
    }

    static func rto(_ result: RunResult) -> String {
        var html = "<section id=\"rto\">\n<h2>Recovery time (RTO)</h2>\n"
        guard let rto = result.rto else {
            return html + "<p class=\"muted\">No RTO: \(notReached(result)).</p>\n</section>"
        }
        let goal = ReportText.span(rto.goalMs)
        let window = ReportText.escape(rto.window)
        guard let measured = rto.measuredMs else {
            if result.endedBeforeRecovery {
                return html
                    + "<p class=\"figure\"><span class=\"big muted\">not measured</span> goal \(goal): "
                    + "\(notReached(result)).</p>\n</section>"
            }
            return html
                + "<p class=\"figure\"><span class=\"big bad\">not recovered</span> goal \(goal); "
                + "recovery means \(window) for every impacted user.</p>\n</section>"
        }
        html +=
            "<p class=\"figure\"><span class=\"big \(rto.met ? "good" : "bad")\">\(ReportText.span(measured))</span> "
            + "from the first fault to recovery, against a goal of <b>\(goal)</b>: "
            + "<b class=\"\(rto.met ? "good" : "bad")\">\(rto.met ? "met" : "MISSED")</b>. "
            + "Recovered means \(window) for every impacted user.</p>\n"
        html += bar(rto, measured: measured) + "\n<ul class=\"legend\">\n"
        for (index, part) in parts(of: rto).enumerated() {
            let value = part.ms.map(ReportText.span) ?? "not measured"
            html +=
                "<li><span class=\"swatch\" style=\"background:\(ReportPalette.rtoParts[index])\"></span>"
                + "<b>\(part.name)</b> \(value) <span class=\"muted\">(\(part.span))</span>"
            if part.name == "switch", let steps = rto.switchSteps, !steps.isEmpty {
                html +=
                    ": "
                    + steps.map { "step <b>\(ReportText.escape($0.name))</b> \(ReportText.span($0.ms))" }
                    .joined(separator: ", ")
            }
            html += "</li>\n"
        }
        return html + "</ul>\n</section>"
    }

    /// The breakdown as one bar scaled to the larger of the RTO and its goal, with the goal dashed.
    static func bar(_ rto: RTORecord, measured: Double) -> String {
        let width = 860.0
        let scale = TimeScale(endMs: max(measured, rto.goalMs) * 1.04, left: 10, right: width - 10)
        var out = [
            "<svg class=\"rto-bar\" viewBox=\"0 0 860 52\" width=\"860\" height=\"52\" role=\"img\" "
                + "aria-label=\"RTO breakdown\">"
        ]
        // A grey track to the goal (or the RTO, when longer) shows how much of the budget was used.
        out.append(
            SVG.rect(
                x: scale.x(0), y: 8, width: scale.x(max(measured, rto.goalMs)) - scale.x(0), height: 22,
                fill: "#eaeef2"))
        var at = 0.0
        for (index, part) in parts(of: rto).enumerated() {
            guard let ms = part.ms, ms > 0 else { continue }
            let x = scale.x(at)
            let partWidth = scale.x(at + ms) - x
            out.append(
                SVG.rect(
                    x: x, y: 8, width: partWidth, height: 22, fill: ReportPalette.rtoParts[index],
                    ["class": "rto-part rto-\(part.name)"], title: "\(part.name) \(ReportText.span(ms)): \(part.span)"))
            let label = "\(part.name) \(ReportText.span(ms))"
            if ReportText.width(of: label) + 6 <= partWidth {
                out.append(
                    SVG.text(label, x: x + partWidth / 2, y: 23, anchor: "middle", ["class": "on-colour"]))
            }
            at += ms
        }
        if measured - at > 1 {
            let x = scale.x(at)
            out.append(
                SVG.rect(
                    x: x, y: 8, width: scale.x(measured) - x, height: 22, fill: ReportPalette.noAnswer,
                    title: "\(ReportText.span(measured - at)) not broken down (a mark is missing)"))
        }
        let goalX = scale.x(rto.goalMs)
        let colour = rto.met ? ReportPalette.muted : ReportPalette.failed
        out.append(
            SVG.line(
                x1: goalX, y1: 2, x2: goalX, y2: 36, stroke: colour, ["stroke-dasharray": "5 3", "stroke-width": "1.5"])
        )
        let goalLabel = "goal \(ReportText.span(rto.goalMs))"
        let fitsRight = goalX + 4 + ReportText.width(of: goalLabel) <= width
        out.append(
            SVG.text(
                goalLabel, x: fitsRight ? goalX + 4 : goalX - 4, y: 48, anchor: fitsRight ? "start" : "end",
                ["class": "mark-label", "fill": colour]))
        let measuredX = scale.x(measured)
        out.append(
            SVG.text("RTO \(ReportText.span(measured))", x: measuredX, y: 48, anchor: "end", ["class": "mark-label"]))
        return out.joined(separator: "\n") + "\n</svg>"
    }

    /// Why a number is missing: the run's own reason, or that it ended before that point.
    static func notReached(_ result: RunResult) -> String {
        guard let reason = result.reason, !reason.isEmpty else { return "the run ended before recovery" }
        return "the run ended before recovery (\(ReportText.escape(reason)))"
    }

    /// `T_fault` … `T_confirmed` with their offsets and wall-clock times.
    static func moments(_ result: RunResult) -> String {
        let timeline = result.timeline
        let rows: [(String, String, TimelineMoment?)] = [
            ("T_fault", "first fault applied", timeline.fault),
            ("T_detect", "first failed probe of an impacted user", timeline.detect),
            ("T_cutover_start", "cut-over request sent", timeline.cutoverStart),
            ("T_cutover_done", "control plane reported done", timeline.cutoverDone),
            ("T_first_ok", "every impacted user answered once", timeline.firstOk),
            ("T_recovered", "start of every impacted user's success window", timeline.recovered),
            ("T_confirmed", "success window complete", timeline.confirmed),
            ("T_reverted", "every fault reverted", timeline.reverted),
        ]
        var html =
            "<table class=\"moments\">\n<thead><tr><th>moment</th><th>meaning</th><th>since start</th>"
            + "<th>wall clock</th></tr></thead>\n<tbody>\n"
        for (name, meaning, moment) in rows {
            let since = moment.map { ReportText.offset($0.ms) } ?? "not reached"
            let clock = moment.map { ReportText.escape(ReportText.utc($0.at)) } ?? ""
            html +=
                "<tr\(moment == nil ? " class=\"muted\"" : "")><td><code>\(name)</code></td><td>\(meaning)</td>"
                + "<td class=\"num\">\(since)</td><td>\(clock)</td></tr>\n"
        }
        return html + "</tbody>\n</table>"
    }
}
