/// The run drawn over time as inline SVG: phase bands, one lane per user or group (outcome above,
/// serving unit below), the design's moments as labelled lines, the RTO bracket against its goal,
/// the canaries' write-blocked window, and a time axis in seconds.
struct TimelineChart: Sendable {
    static let width = 1100.0
    static let left = 240.0
    static let right = 1070.0
    static let lanePitch = 30.0
    static let rowHeight = 14.0

    let result: RunResult
    let lanes: TimelineLanes
    let palette: ReportPalette
    let marks: [TimelineMark]
    let scale: TimeScale
    /// `T_fault` + the RTO goal, when the run has both.
    let goalMs: Double?

    init(_ result: RunResult, palette: ReportPalette) {
        self.result = result
        self.palette = palette
        lanes = TimelineLanes(result)
        marks = TimelineMark.marks(of: result)
        let fault = marks.first { $0.kind == "fault" }?.ms
        goalMs = fault.flatMap { fault in result.rto.map { fault + $0.goalMs } }
        var end = result.durationMs ?? 0
        end = max(end, lanes.lanes.flatMap(\.stretches).map(\.toMs).max() ?? 0)
        end = max(end, result.phases.map { $0.endedMs ?? $0.startedMs }.max() ?? 0)
        end = max(end, marks.map(\.ms).max() ?? 0)
        end = max(end, result.rpo?.writeBlockedToMs ?? 0)
        end = max(end, result.checks.flatMap(\.evaluations).map(\.atMs).max() ?? 0)
        // The goal widens the chart when it is close; a goal far past the run would squash it, and
        // is written at the edge instead.
        if let goalMs, goalMs <= end * 1.25 { end = max(end, goalMs) }
        scale = TimeScale(endMs: end, left: Self.left, right: Self.right)
    }

    /// The whole chart, one `<svg>` element.
    func svg() -> String {
        var body: [String] = []
        var y = 6.0
        let markTop = y
        let markRows = LabelRows.place(marks.map { labelExtent($0.caption, at: scale.x($0.ms)) })
        y += Double((markRows.max() ?? -1) + 1) * Self.rowHeight
        let phases = phaseLayout()
        let phaseLabelTop = y
        y += Double(phases.overflowRows) * 13
        let bandTop = y + 2
        let lanesTop = bandTop + 26
        let laneCount = max(lanes.lanes.count, 1)
        let lanesBottom = lanesTop + Double(laneCount) * Self.lanePitch + (lanes.hidden > 0 ? 16 : 0)
        let rtoTop = lanesBottom + 4
        let rtoHeight = rtoBracketShown ? 38.0 : 0
        let rpoTop = rtoTop + rtoHeight
        let rpoHeight = result.rpo == nil ? 0.0 : 26
        let checksTop = rpoTop + rpoHeight
        let axisY = checksTop + Double(result.checks.count) * Self.checkPitch + 6
        let height = axisY + 24

        body += phaseShading(top: lanesTop - 4, bottom: lanesBottom)
        body += grid(top: bandTop, bottom: lanesBottom)
        body += phaseBand(phases, labelTop: phaseLabelTop, bandTop: bandTop)
        body += laneRows(top: lanesTop)
        body += rtoGoal(top: lanesTop - 4, rowTop: rtoTop)
        for (mark, row) in zip(marks, markRows) {
            let labelY = markTop + Double(row) * Self.rowHeight
            body += markLine(mark, labelY: labelY, bottom: lanesBottom)
        }
        body += rtoBracket(top: rtoTop)
        body += rpoRow(top: rpoTop)
        body += checkRows(top: checksTop)
        body += axis(y: axisY)
        let size = "width=\"\(ReportText.number(Self.width))\" height=\"\(ReportText.number(height))\""
        return "<svg class=\"timeline\" viewBox=\"0 0 \(ReportText.number(Self.width)) \(ReportText.number(height))\" "
            + "\(size) role=\"img\" aria-label=\"Timeline of the run\">\n" + body.joined(separator: "\n")
            + "\n</svg>"
    }

    // MARK: - Lanes

    private func laneRows(top: Double) -> [String] {
        var out: [String] = []
        if lanes.lanes.isEmpty {
            out.append(
                SVG.text("no test user was probed", x: Self.left + 8, y: top + 14, ["class": "detail"]))
        }
        for (index, lane) in lanes.lanes.enumerated() {
            let y = top + Double(index) * Self.lanePitch
            out.append(
                SVG.text(
                    ReportText.truncate(lane.label, to: 32), x: Self.left - 10, y: y + 11, anchor: "end",
                    ["class": "lane"], title: lane.label))
            out.append(SVG.text(lane.detail, x: Self.left - 10, y: y + 23, anchor: "end", ["class": "detail"]))
            for stretch in lane.stretches { out += draw(stretch, y: y) }
        }
        if lanes.hidden > 0 {
            let y = top + Double(lanes.lanes.count) * Self.lanePitch + 10
            let what = lanes.byGroup ? "groups" : "users"
            out.append(
                SVG.text(
                    "… and \(lanes.hidden) more \(what), not drawn (see the table below)", x: Self.left, y: y,
                    ["class": "detail"]))
        }
        return out
    }

    /// A stretch: its outcome as a 14px bar (red share on top for a group's partly failed bucket),
    /// the units that answered as a 6px band under it.
    private func draw(_ stretch: TimelineLane.Stretch, y: Double) -> [String] {
        let x = scale.x(stretch.fromMs)
        let width = max(scale.x(stretch.toMs) - x, 0.6)
        let share = min(max(stretch.failedShare, 0), 1)
        var out = [
            SVG.rect(
                x: x, y: y, width: width, height: 14, fill: share >= 1 ? ReportPalette.failed : ReportPalette.ok,
                title: stretch.note)
        ]
        if share > 0, share < 1 {
            out.append(SVG.rect(x: x, y: y, width: width, height: 14 * share, fill: ReportPalette.failed))
        }
        var unitY = y + 16
        for unit in stretch.units where unit.share > 0 {
            let height = 6 * min(unit.share, 1)
            out.append(SVG.rect(x: x, y: unitY, width: width, height: height, fill: palette.colour(of: unit.unit)))
            unitY += height
        }
        return out
    }

    // MARK: - Marks

    /// Where a label starts and ends: to the right of its line, or to the left near the edge.
    func labelExtent(_ text: String, at x: Double) -> ClosedRange<Double> {
        let width = ReportText.width(of: text)
        return x + 3 + width <= Self.width - 2 ? x...(x + 3 + width) : (x - 3 - width)...x
    }

    private func markLine(_ mark: TimelineMark, labelY: Double, bottom: Double) -> [String] {
        let x = scale.x(mark.ms)
        let extent = labelExtent(mark.caption, at: x)
        let atRight = extent.lowerBound == x
        let tooltip =
            "\(mark.label) at \(ReportText.offset(mark.ms))\(mark.at.map { " (\(ReportText.utc($0)))" } ?? "")"
        return [
            SVG.line(
                x1: x, y1: labelY + 2, x2: x, y2: bottom, stroke: mark.colour,
                ["class": "mark mark-\(mark.kind)", "data-ms": "\(mark.ms)", "stroke-width": "1.5"], title: tooltip),
            SVG.text(
                mark.caption, x: atRight ? x + 3 : x - 3, y: labelY + 11, anchor: atRight ? "start" : "end",
                ["class": "mark-label halo", "fill": mark.colour], title: tooltip),
        ]
    }

    // MARK: - Axis and grid

    private func grid(top: Double, bottom: Double) -> [String] {
        scale.ticks.map { SVG.line(x1: scale.x($0), y1: top, x2: scale.x($0), y2: bottom, stroke: ReportPalette.grid) }
    }

    private func axis(y: Double) -> [String] {
        var out = [
            SVG.line(x1: Self.left, y1: y, x2: Self.right, y2: y, stroke: ReportPalette.muted),
            SVG.text("seconds since start", x: Self.left - 10, y: y + 14, anchor: "end", ["class": "detail"]),
        ]
        for tick in scale.ticks {
            let x = scale.x(tick)
            out.append(SVG.line(x1: x, y1: y, x2: x, y2: y + 4, stroke: ReportPalette.muted))
            out.append(SVG.text(TimeScale.label(tick), x: x, y: y + 15, anchor: "middle", ["class": "tick"]))
        }
        return out
    }
}
