import Foundation
import GameDayCore
import Testing

@Suite struct WallTimeTests {
    /// Expected values from Python's `datetime.fromtimestamp(…, timezone.utc).isoformat()`.
    @Test func instantsAreWrittenInUTCToTheMillisecond() {
        #expect(WallTime.iso8601(unixMilliseconds: 1_764_912_600_123) == "2025-12-05T05:30:00.123Z")
        #expect(WallTime.iso8601(unixMilliseconds: 500) == "1970-01-01T00:00:00.500Z")
        #expect(WallTime.iso8601(unixMilliseconds: 0) == "1970-01-01T00:00:00.000Z")
    }
}

extension WallTimeTests {
    @Test func aFractionOfAMillisecondIsRoundedNotCut() {
        #expect(WallTime.iso8601(unixMilliseconds: 1_764_912_600_122.6) == "2025-12-05T05:30:00.123Z")
        #expect(WallTime.iso8601(unixMilliseconds: 1_764_912_600_123.4) == "2025-12-05T05:30:00.123Z")
        #expect(WallTime.iso8601(unixMilliseconds: 999.9) == "1970-01-01T00:00:01.000Z")
    }
}
