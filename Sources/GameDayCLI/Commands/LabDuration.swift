import ArgumentParser
import GameDayCore

/// A duration flag as drills spell durations: `100ms`, `2s`, `1m`.
struct LabDuration: ExpressibleByArgument {
    var duration: Duration

    init(_ duration: Duration) {
        self.duration = duration
    }

    init?(argument: String) {
        guard let duration = DurationText.parse(argument) else { return nil }
        self.duration = duration
    }

    var defaultValueDescription: String { DurationText.format(duration) }
}
