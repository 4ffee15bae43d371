import Foundation

/// Wall-clock instants as the archive writes them.
public enum WallTime {
    /// `2026-11-21T05:30:00.123Z`: ISO 8601, UTC, with milliseconds.
    public static func iso8601(unixMilliseconds: Double) -> String {
        iso8601(Date(timeIntervalSince1970: unixMilliseconds / 1000))
    }

    /// `2026-11-21T05:30:00.123Z`: ISO 8601, UTC, with milliseconds.
    public static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Unix milliseconds kept to the microsecond: finer digits are noise, and the JSON stays short.
    public static func rounded(_ unixMilliseconds: Double) -> Double {
        (unixMilliseconds * 1000).rounded() / 1000
    }
}
