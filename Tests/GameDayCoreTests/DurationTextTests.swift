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
