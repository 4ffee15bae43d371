/// The key under the timeline: outcomes, units, and the marks the chart actually draws.
struct TimelineLegend {
    let chart: TimelineChart

    func html() -> String {
        var items = [
            swatch(ReportPalette.ok, "probes succeeded"),
            swatch(ReportPalette.failed, "probes failed"),
        ]
        if chart.lanes.byGroup {
            items.append(
                "<li class=\"muted\">a partly red bar: the share of the bucket's probes that failed</li>")
        }
        for unit in chart.palette.unitOrder {
            items.append(swatch(chart.palette.colour(of: unit), "served by \(unit)", thin: true))
        }
        items.append(swatch(ReportPalette.noAnswer, "no answer (no unit)", thin: true))
        for mark in chart.marks {
            items.append(
                "<li><span class=\"swatch line\" style=\"background:\(mark.colour)\"></span>"
                    + "\(ReportText.escape(mark.label))</li>")
        }
        if let goal = chart.goalMs, chart.scale.contains(goal) {
            items.append("<li><span class=\"swatch dashed\"></span>RTO goal (fault + goal)</li>")
        }
        if chart.result.rpo != nil {
            items.append(swatch("#bf8700", "writes blocked"))
            items.append(
                "<li><span class=\"swatch line\" style=\"background:\(ReportPalette.failed)\"></span>"
                    + "lost acknowledged write</li>")
        }
        return "<ul class=\"legend\">\n" + items.joined(separator: "\n") + "\n</ul>"
    }

    private func swatch(_ colour: String, _ text: String, thin: Bool = false) -> String {
        let height = thin ? "height:5px;" : ""
        return "<li><span class=\"swatch\" style=\"\(height)background:\(colour)\"></span>"
            + "\(ReportText.escape(text))</li>"
    }
}
