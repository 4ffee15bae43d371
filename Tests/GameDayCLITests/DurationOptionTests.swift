import ArgumentParser
import GameDayCore
import Testing

@testable import GameDayCLI

/// Durations on the command line have a range, and one outside it is a usage error naming the
/// option and its bounds; none crashes the process (9300000000s once did).
@Suite struct DurationOptionTests {
    /// The message `gameday` prints for `arguments`, or nil when they parse.
    static func message(_ arguments: [String]) -> String? {
        do {
            _ = try GameDay.parseAsRoot(arguments)
            return nil
        } catch {
            return GameDay.message(for: error)
        }
    }

    @Test(arguments: ["9300000000s", "0s", "500ms", "2h", String(repeating: "9", count: 400) + "s"])
    func aWatchdogTimeoutOutsideItsRangeIsRefused(value: String) {
        #expect(
            Self.message(["run", "drill.yaml", "--target", "target.yaml", "--watchdog-timeout", value])
                == "The value '\(value)' is invalid for '--watchdog-timeout <duration>': --watchdog-timeout takes a "
                + "duration from 1s to 1h (such as 10s), not '\(value)'")
    }

    @Test(arguments: ["1s", "5m", "1h"])
    func aWatchdogTimeoutWithinItsRangeIsTaken(value: String) throws {
        let command = try #require(
            try GameDay.parseAsRoot(["run", "drill.yaml", "--target", "target.yaml", "--watchdog-timeout", value])
                as? GameDay.Run)
        #expect(command.watchdogTimeout == DurationText.parse(value))
    }

    @Test(arguments: ["--sync-timeout", "--replication-lag", "--switch-delay"])
    func aLabDurationOutsideItsRangeIsRefused(option: String) {
        #expect(
            Self.message(["lab", "up", option, "9300000000s"])
                == "\(option) takes a duration from 0ms to 1h (such as 100ms), not '9300000000s'")
        #expect(
            Self.message(["lab", "up", option, "61m"])
                == "\(option) takes a duration from 0ms to 1h (such as 100ms), not '61m'")
        #expect(Self.message(["lab", "up", option, "1h"]) == nil)
    }
}
