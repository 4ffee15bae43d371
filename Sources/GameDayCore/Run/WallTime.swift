import Foundation

/// Wall-clock instants as the archive writes them.
public enum WallTime {
    /// `2026-11-21T05:30:00.123Z`: ISO 8601, UTC, with milliseconds.
    public static func iso8601(unixMilliseconds: Double) -> String {
        iso8601(Date(timeIntervalSince1970: unixMilliseconds / 1000))
    }

    /// `2026-11-21T05:30:00.123Z`: ISO 8601, UTC, with milliseconds.
    public static func iso8601(_ date: Date) -> String {
        // The style cuts the fraction off rather than rounding it, and 05:30:00.123 as a binary
        // double is 05:30:00.12299…: half a millisecond more makes the cut a rounding.
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        return Date(timeIntervalSince1970: (milliseconds + 0.5) / 1000).formatted(format)
    }

    /// Made once: a run stamps thousands of instants, and a new formatter each time showed in its profile.
    private static let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// Unix milliseconds kept to the microsecond: finer digits are noise, and the JSON stays short.
    public static func rounded(_ unixMilliseconds: Double) -> Double {
        (unixMilliseconds * 1000).rounded() / 1000
    }
}
