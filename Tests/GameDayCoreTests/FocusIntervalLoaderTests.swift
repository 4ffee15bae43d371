import GameDayCore
import Testing

/// `probe.focus_interval`: its default, the ways to turn it off, and its errors, each located.
@Suite struct FocusIntervalLoaderTests {
    static func drill(_ probe: String) -> String {
        """
        drill: d
        probe: { \(probe)request: { url: "{{gateway.url}}/s?u={{user.id}}" } }
        users: [{ id: 6000, impact: fail }]
        faults: [{ name: f, kind: kill-process, unit: beijing, service: product }]
        """
    }

    static func probe(_ fields: String) throws -> ProbeSpec {
        try DrillLoader.parseDrill(yaml: drill(fields), file: "d.yaml").probe
    }

    static func errors(_ fields: String) -> [String] {
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(yaml: drill(fields), file: "d.yaml")
        }
        return error?.diagnostics.map(\.description) ?? []
    }

    @Test func itIsTenMillisecondsUnlessTheProbesAreAlreadyThatFine() throws {
        #expect(try Self.probe("").fineInterval == .milliseconds(10))
        #expect(try Self.probe("interval: 10ms, ").fineInterval == nil, "10ms probes need no focus")
        #expect(try Self.probe("interval: 250ms, focus_interval: 25ms, ").fineInterval == .milliseconds(25))
        #expect(try Self.probe("focus_interval: 1ms, ").fineInterval == .milliseconds(1))
    }

    @Test(arguments: ["off", "false", "0", "0ms", "0s"])
    func offFalseAndZeroTurnItOff(_ value: String) throws {
        let probe = try Self.probe("focus_interval: \(value), ")
        #expect(probe.focusInterval == nil && probe.fineInterval == nil)
    }

    @Test func itMustBeFinerThanTheProbesAndNoFinerThanAnyInterval() {
        #expect(
            Self.errors("interval: 20ms, focus_interval: 30ms, ") == [
                "d.yaml:2:42: error: expected a focus interval shorter than the probe interval (20ms), found '30ms'; 'off' probes every user at the probe interval only"
            ])
        #expect(
            Self.errors("focus_interval: 500us, ") == [
                "d.yaml:2:26: error: expected a duration of at least 1ms, found '500us': gameday cannot send requests at a shorter interval and keep its schedule"
            ])
        #expect(
            Self.errors("focus_interval: on, ") == [
                "d.yaml:2:26: error: expected a duration such as '10ms', or 'off', found 'on'"
            ])
        #expect(
            Self.errors("focus_interval: [10ms], ") == [
                "d.yaml:2:26: error: expected a duration such as '10ms', or 'off', found a list"
            ])
        // The probe interval's own error, and no second one about the focus against it.
        #expect(
            Self.errors("interval: 0ms, focus_interval: 50ms, ") == [
                "d.yaml:2:20: error: expected a duration greater than zero, found '0ms'"
            ])
    }
}
