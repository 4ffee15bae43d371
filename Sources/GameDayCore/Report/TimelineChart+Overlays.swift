/// Phase bands, the RTO against its goal, and the canaries' row of the timeline chart.
extension TimelineChart {
    /// Where the phases fall, and the rows of labels too wide for their band.
    struct PhaseLayout {
        struct Entry {
            var name: RunPhase
            var label: String
            var x0: Double
            var x1: Double
            /// The label's row above the band, when it does not fit inside.
            var row: Int?
        }

        var entries: [Entry]
        var overflowRows: Int
    }

    func phaseLayout() -> PhaseLayout {
        var entries = result.phases.map { phase in
            let label = phase.outcome == "done" ? phase.name.rawValue : "\(phase.name) (\(phase.outcome))"
            return PhaseLayout.Entry(
                name: phase.name, label: label, x0: scale.x(phase.startedMs),
                x1: scale.x(phase.endedMs ?? scale.endMs), row: nil)
        }
        let narrow = entries.indices.filter {
            ReportText.width(of: entries[$0].label, fontSize: 10) + 8 > entries[$0].x1 - entries[$0].x0
        }
        let extents = narrow.map { index in
            let width = ReportText.width(of: entries[index].label, fontSize: 10)
            let middle = min(max((entries[index].x0 + entries[index].x1) / 2, width / 2), Self.width - width / 2)
            return (middle - width / 2)...(middle + width / 2)
        }
        let rows = LabelRows.place(extents)
        for (index, row) in zip(narrow, rows) { entries[index].row = row }
        return PhaseLayout(entries: entries, overflowRows: (rows.max() ?? -1) + 1)
    }

    func phaseShading(top: Double, bottom: Double) -> [String] {
        result.phases.map { phase in
            let x0 = scale.x(phase.startedMs)
            return SVG.rect(
                x: x0, y: top, width: scale.x(phase.endedMs ?? scale.endMs) - x0, height: bottom - top,
                fill: ReportPalette.phase(phase.name), ["opacity": "0.45"])
        }
    }

    func phaseBand(_ layout: PhaseLayout, labelTop: Double, bandTop: Double) -> [String] {
        var out = [SVG.text("phases", x: Self.left - 10, y: bandTop + 13, anchor: "end", ["class": "lane"])]
        for entry in layout.entries {
            let middle = (entry.x0 + entry.x1) / 2
            out.append(
                SVG.rect(
                    x: entry.x0, y: bandTop, width: entry.x1 - entry.x0, height: 18,
                    fill: ReportPalette.phase(entry.name), ["stroke": "#ffffff"], title: entry.label))
            if let row = entry.row {
                let y = labelTop + Double(row) * 13 + 10
                let width = ReportText.width(of: entry.label, fontSize: 10)
                let x = min(max(middle, width / 2), Self.width - width / 2)
                out.append(SVG.line(x1: middle, y1: y + 2, x2: middle, y2: bandTop, stroke: ReportPalette.muted))
                out.append(SVG.text(entry.label, x: x, y: y, anchor: "middle", ["class": "phase halo"]))
            } else {
                out.append(SVG.text(entry.label, x: middle, y: bandTop + 13, anchor: "middle", ["class": "phase"]))
            }
        }
        return out
    }

    // MARK: - RTO

    var rtoBracketShown: Bool { result.rto != nil && faultMs != nil }

    var faultMs: Double? { marks.first { $0.kind == "fault" }?.ms }

    /// The dashed line at `T_fault` + goal, across the lanes down to the RTO row.
    func rtoGoal(top: Double, rowTop: Double) -> [String] {
        guard let rto = result.rto, let goalMs, scale.contains(goalMs) else { return [] }
        let x = scale.x(goalMs)
        let colour = rto.met ? ReportPalette.muted : ReportPalette.failed
        let label = "RTO goal \(ReportText.span(rto.goalMs))"
        let atRight = x + 4 + ReportText.width(of: label) <= Self.width
        return [
            SVG.line(
                x1: x, y1: top, x2: x, y2: rowTop + 36, stroke: colour,
                ["class": "rto-goal", "stroke-dasharray": "5 3", "stroke-width": "1.5"],
                title: "RTO goal: recovered by \(ReportText.offset(goalMs))"),
            SVG.text(
                label, x: atRight ? x + 4 : x - 4, y: rowTop + 34, anchor: atRight ? "start" : "end",
                ["class": "mark-label halo", "fill": colour]),
        ]
    }

    /// The bracket from `T_fault` to `T_recovered`, green when it met the goal, red when not;
    /// open to the right edge when the users never recovered.
    func rtoBracket(top: Double) -> [String] {
        guard let rto = result.rto, let fault = faultMs else { return [] }
        var out = [
            SVG.text("RTO", x: Self.left - 10, y: top + 16, anchor: "end", ["class": "lane"]),
            SVG.text("fault → recovered", x: Self.left - 10, y: top + 28, anchor: "end", ["class": "detail"]),
        ]
        let x0 = scale.x(fault)
        let unmeasured = rto.measuredMs == nil && result.endedBeforeRecovery
        let colour = rto.met ? "#116329" : unmeasured ? ReportPalette.muted : ReportPalette.failed
        let y = top + 18
        let label: String
        let x1: Double
        if let measured = rto.measuredMs {
            x1 = scale.x(fault + measured)
            label =
                "RTO \(ReportText.span(measured)) · goal \(ReportText.span(rto.goalMs)) · \(rto.met ? "met" : "MISSED")"
            out.append(SVG.line(x1: x1, y1: y - 5, x2: x1, y2: y + 5, stroke: colour, ["stroke-width": "2"]))
        } else {
            x1 = Self.right
            label =
                unmeasured
                ? "not measured: the run ended before recovery"
                : "not recovered · goal \(ReportText.span(rto.goalMs)) missed"
        }
        // An open bracket (never recovered) is dashed.
        let dashes = rto.measuredMs == nil ? "6 3" : "none"
        out.append(
            SVG.line(
                x1: x0, y1: y, x2: x1, y2: y, stroke: colour,
                ["class": "rto-bracket", "stroke-width": "2", "stroke-dasharray": dashes]))
        out.append(SVG.line(x1: x0, y1: y - 5, x2: x0, y2: y + 5, stroke: colour, ["stroke-width": "2"]))
        let width = ReportText.width(of: label, fontSize: 12)
        let middle = min(max((x0 + x1) / 2, x0 + width / 2), Self.width - 2 - width / 2)
        out.append(
            SVG.text(label, x: middle, y: top + 11, anchor: "middle", ["class": "rto-label halo", "fill": colour]))
        if let goalMs, !scale.contains(goalMs) {
            out.append(
                SVG.text(
                    "RTO goal at \(ReportText.offset(goalMs)), past the end →", x: Self.right, y: top + 34,
                    anchor: "end", ["class": "detail"]))
        }
        return out
    }

    // MARK: - RPO

    /// The canaries' row: the write-blocked window as an amber bar, lost acknowledged writes as red ticks.
    func rpoRow(top: Double) -> [String] {
        guard let rpo = result.rpo else { return [] }
        var out = [
            SVG.text("canary writes", x: Self.left - 10, y: top + 12, anchor: "end", ["class": "lane"]),
            SVG.text(
                "\(rpo.lost) lost, \(rpo.blocked) refused", x: Self.left - 10, y: top + 23, anchor: "end",
                ["class": "detail"]),
            SVG.line(x1: Self.left, y1: top + 13, x2: Self.right, y2: top + 13, stroke: ReportPalette.grid),
        ]
        if let from = rpo.writeBlockedFromMs, let to = rpo.writeBlockedToMs {
            let x = scale.x(from)
            let width = max(scale.x(to) - x, 1)
            let label = "writes blocked \(ReportText.span(to - from))"
            out.append(
                SVG.rect(
                    x: x, y: top + 7, width: width, height: 12, fill: "#bf8700", ["class": "write-blocked"],
                    title: "writes refused from \(ReportText.offset(from)) to \(ReportText.offset(to))"))
            let atRight = x + width + 4 + ReportText.width(of: label) <= Self.width
            out.append(
                SVG.text(
                    label, x: atRight ? x + width + 4 : x - 4, y: top + 17, anchor: atRight ? "start" : "end",
                    ["class": "mark-label halo", "fill": "#7d4e00"]))
        }
        for lost in rpo.lostCanaries {
            out.append(
                SVG.line(
                    x1: scale.x(lost.ackedMs), y1: top + 4, x2: scale.x(lost.ackedMs), y2: top + 22,
                    stroke: ReportPalette.failed, ["class": "lost-canary", "stroke-width": "2"],
                    title:
                        "lost: user \(lost.user) canary \(lost.seq), acknowledged at \(ReportText.offset(lost.ackedMs))"
                ))
        }
        return out
    }

    // MARK: - Metric checks

    static let checkPitch = 22.0

    /// One row per metric check: a dot per evaluation, green when it held, red when it did not,
    /// grey for no data or NaN (hollow when skipped); its title says the value, the moment and why.
    func checkRows(top: Double) -> [String] {
        var out: [String] = []
        for (index, check) in result.checks.enumerated() {
            let y = top + Double(index) * Self.checkPitch + 11
            out.append(SVG.text("check \(check.name)", x: Self.left - 10, y: y + 4, anchor: "end", ["class": "lane"]))
            out.append(SVG.line(x1: Self.left, y1: y, x2: Self.right, y2: y, stroke: ReportPalette.grid))
            for evaluation in check.evaluations {
                let colour =
                    switch evaluation.status {
                    case .pass: ReportPalette.ok
                    case .fail, .error: ReportPalette.failed
                    case .noData, .nan: ReportPalette.muted
                    }
                let value = evaluation.value.map { " = \(MetricValue.text($0))" } ?? ""
                out.append(
                    SVG.circle(
                        cx: scale.x(evaluation.atMs), cy: y, r: 4,
                        fill: evaluation.counts == .skipped ? "none" : colour,
                        ["class": "check-\(evaluation.status.rawValue)", "stroke": colour],
                        title:
                            "\(check.name) (\(evaluation.phase.rawValue)) at \(ReportText.offset(evaluation.atMs))\(value): "
                            + "\(evaluation.status.rawValue), \(evaluation.detail)"))
            }
        }
        return out
    }
}
