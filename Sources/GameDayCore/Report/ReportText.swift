/// How the report spells text, times and coordinates.
enum ReportText {
    /// `text` safe inside an element or a quoted attribute: the five characters XML gives a meaning to
    /// are written as character references, so a drill name like `<b>&"x"` stays text; control
    /// characters, which XML does not allow at all (a failure message may carry one), become U+FFFD.
    static func escape(_ text: some StringProtocol) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7f: escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// At most `limit` characters, cut with an ellipsis (escape after cutting, not before).
    static func truncate(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(0, limit - 1))) + "…"
    }

    /// A span of time as drill files spell it: `96ms`, `1.196s`, `2m`.
    static func span(_ ms: Double) -> String { DurationText.format(.milliseconds(ms.rounded())) }

    /// An offset from the run's start: `+96ms`, `+1.039s`.
    static func offset(_ ms: Double) -> String { "+" + span(ms) }

    /// `2026-11-21T06:05:50.671Z` → `2026-11-21 06:05:50.671 UTC`; anything else as it is.
    static func utc(_ timestamp: String) -> String {
        guard timestamp.hasSuffix("Z"), let t = timestamp.firstIndex(of: "T") else { return timestamp }
        var text = timestamp
        text.replaceSubrange(t...t, with: " ")
        text.removeLast()
        return text + " UTC"
    }

    /// A coordinate for SVG: at most one decimal, never `-0` or an exponent.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((value * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let magnitude = abs(tenths)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    /// About how wide `text` is in pixels at the chart's 11px sans-serif: used to keep labels apart.
    static func width(of text: String, fontSize: Double = 11) -> Double {
        Double(text.count) * fontSize * 0.6
    }
}
