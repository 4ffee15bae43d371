import Foundation
import GameDayCore

/// Wall-clock times for offsets on the run's monotonic clock, anchored once at the start.
public struct WallClock: Sendable {
    private let anchor: Date
    private let anchorOffset: Duration

    public init(clock: any RunClock) {
        anchorOffset = clock.now()
        anchor = Date()
    }

    /// The offset's wall-clock time as Unix milliseconds, to the microsecond.
    public func unixMilliseconds(_ offset: Duration) -> Double {
        WallTime.rounded(anchor.timeIntervalSince1970 * 1000 + (offset - anchorOffset).milliseconds)
    }

    public func iso8601(_ offset: Duration) -> String {
        WallTime.iso8601(unixMilliseconds: unixMilliseconds(offset))
    }

    public static func format(_ date: Date) -> String { WallTime.iso8601(date) }

    /// A short random run id: 8 hex digits.
    public static func newRunID() -> String {
        String(UInt32.random(in: .min ... .max), radix: 16).leftPadded(to: 8)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
