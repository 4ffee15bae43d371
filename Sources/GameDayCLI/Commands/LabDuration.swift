import ArgumentParser
import GameDayCore

/// A duration flag as drills spell durations: `100ms`, `2s`, `1m`.
///
/// Parsing takes any duration; the command's `validate()` checks it against `range` with `check`,
/// so the error names the flag and its bounds.
struct LabDuration: ExpressibleByArgument {
    var duration: Duration
    /// The flag's value as given, for messages.
    var text: String

    /// A lab's waits and delays: from none to an hour.
    static let range: ClosedRange<Duration> = .zero ... .seconds(3600)

    init(_ duration: Duration) {
        self.duration = duration
        self.text = DurationText.format(duration)
    }

    init?(argument: String) {
        guard let duration = DurationText.parse(argument) else { return nil }
        self.duration = duration
        self.text = argument
    }

    var defaultValueDescription: String { DurationText.format(duration) }

    /// Throws a `ValidationError` naming `option` when the duration is outside `range`.
    func check(_ option: String) throws {
        _ = try DurationArgument.parse(text, for: option, in: Self.range, example: "100ms")
    }
}

/// Durations on the command line: parsed as drill files spell them, within a range the message names.
enum DurationArgument {
    /// `text` as a duration within `range`, or a `ValidationError` that names `option`, the range and
    /// `example`: `--watchdog-timeout takes a duration from 1s to 1h (such as 10s), not '9300000000s'`.
    static func parse(_ text: String, for option: String, in range: ClosedRange<Duration>, example: String)
        throws(ValidationError) -> Duration
    {
        guard let duration = DurationText.parse(text), range.contains(duration) else {
            let bounds = "from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound))"
            throw ValidationError("\(option) takes a duration \(bounds) (such as \(example)), not '\(text)'")
        }
        return duration
    }
}
