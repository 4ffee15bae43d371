/// Reads and writes durations as drill files spell them: `250ms`, `5s`, `2m`, `1h`, `1m30s`, `1.5s`.
public enum DurationText {
    /// What `parse` gives for a duration too long to hold (about 292 years, the most whole nanoseconds
    /// an `Int64` counts). Every reader's range ends far below it, so its error names the text as written.
    public static let saturated: Duration = .nanoseconds(Int64.max)

    /// Parses `text`, or returns nil when it is not a duration with units.
    ///
    /// Never traps, whatever the text: a number too large for a `Double` or a duration too long to
    /// hold, in one part or summed over many, reads as `saturated`.
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingWhitespace())
        guard !rest.isEmpty else { return nil }
        var total = Duration.zero
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let scale: Double
            switch unit {
            case "ns": scale = 1e-9
            case "us", "µs": scale = 1e-6
            case "ms": scale = 1e-3
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return nil
            }
            // Each part is at most `saturated`, so stopping there keeps the sum from ever overflowing.
            total += .secondsDouble(value * scale)
            if total >= saturated { total = saturated }
        }
        return total
    }

    /// A readable spelling, precise to the millisecond above one second:
    /// `250ms`, `1.25ms`, `5s`, `1.5s`, `1.201s`, `2m`, `1h`.
    public static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        if abs(ms) < 1000 {
            let rounded = abs(ms) >= 10 ? ms.rounded() : (ms * 100).rounded() / 100
            return trimmed(rounded) + "ms"
        }
        let seconds = (ms).rounded() / 1000
        if seconds.truncatingRemainder(dividingBy: 3600) == 0 { return trimmed(seconds / 3600) + "h" }
        if seconds.truncatingRemainder(dividingBy: 60) == 0 { return trimmed(seconds / 60) + "m" }
        return trimmed(seconds) + "s"
    }

    /// `5.0` → `5`, `1.500` → `1.5`; a value too large for an `Int` keeps Double's spelling.
    private static func trimmed(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
