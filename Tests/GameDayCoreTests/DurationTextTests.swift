import GameDayCore
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)),
        ("5s", .seconds(5)),
        ("2m", .seconds(120)),
        ("1h", .seconds(3600)),
        ("1m30s", .seconds(90)),
        ("1.5s", .milliseconds(1500)),
        ("500us", .microseconds(500)),
        ("10ns", .nanoseconds(10)),
        (" 5s ", .seconds(5)),
    ])
    func parses(text: String, duration: Duration) {
        #expect(DurationText.parse(text) == duration)
    }

    @Test(arguments: ["", "5", "5sec", "s", "ms5", "1 m", "-5s", "5s3", "1..5s"])
    func refuses(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    /// Numbers too large for a Double, durations too long for `Duration`'s nanoseconds, and many
    /// parts all read as `saturated`, for the reader's range check to refuse by name; none traps.
    @Test(arguments: [
        "9300000000s", String(repeating: "9", count: 400) + "s", String(repeating: "100000000h", count: 200),
        "9223372036854775808ns", "2562048h",
    ])
    func aDurationTooLongToHoldSaturates(text: String) {
        #expect(DurationText.parse(text) == DurationText.saturated)
    }

    @Test func aLongDurationBelowTheLimitIsExact() {
        #expect(DurationText.parse("9200000000s") == .seconds(9_200_000_000))
        #expect(DurationText.parse(String(repeating: "1h", count: 1000)) == .seconds(3_600_000))
    }

    @Test(arguments: [
        (Double.infinity, Duration.nanoseconds(Int64.max)), (-.infinity, .nanoseconds(Int64.min)), (.nan, .zero),
        (9.3e9, .nanoseconds(Int64.max)), (-9.3e9, .nanoseconds(Int64.min)), (1.5, .milliseconds(1500)),
    ])
    func secondsDoubleNeverTraps(seconds: Double, duration: Duration) {
        #expect(Duration.secondsDouble(seconds) == duration)
    }

    @Test func formatsAnyDurationWithoutTrapping() {
        #expect(DurationText.format(DurationText.saturated) == "9223372036.855s")
        #expect(DurationText.format(.seconds(Int64.max)) == "9.223372036854776e+18s")
    }

    @Test(arguments: [
        (Duration.milliseconds(250), "250ms"),
        (.seconds(5), "5s"),
        (.seconds(120), "2m"),
        (.milliseconds(1500), "1.5s"),
        (.seconds(90), "90s"),
        (.zero, "0ms"),
    ])
    func formats(duration: Duration, text: String) {
        #expect(DurationText.format(duration) == text)
    }

    @Test(arguments: ["250ms", "5s", "2m", "1.5s"])
    func formatThenParseIsIdentity(text: String) throws {
        let duration = try #require(DurationText.parse(text))
        #expect(DurationText.format(duration) == text)
    }
}
