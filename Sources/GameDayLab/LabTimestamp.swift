import Foundation

/// A wall-clock instant as the lab's ground truth records it: Unix milliseconds with
/// sub-millisecond precision, and RFC 3339 UTC with milliseconds.
public struct LabTimestamp: Sendable, Hashable {
    public var unixMilliseconds: Double

    public init(unixMilliseconds: Double) {
        self.unixMilliseconds = unixMilliseconds
    }

    /// Now, read straight from `CLOCK_REALTIME` so no formatter sits between the event and the clock.
    /// Kept to whole microseconds: finer digits would only be noise, and this way every JSON writer
    /// prints the same short number (`1763703000123.457`).
    public static func now() -> LabTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let microseconds = Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
        return LabTimestamp(unixMilliseconds: Double(microseconds) / 1000)
    }

    /// `2026-11-21T05:30:00.123Z`
    public var rfc3339: String {
        let totalMilliseconds = Int64(unixMilliseconds.rounded(.down))
        var seconds = time_t(totalMilliseconds / 1000)
        let milliseconds = Int(totalMilliseconds % 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + ".\(pad(Int32(milliseconds), 3))Z"
    }
}
