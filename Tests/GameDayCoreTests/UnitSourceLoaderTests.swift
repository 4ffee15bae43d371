import Testing

@testable import GameDayCore

/// `probe.unit_from` and its short form `probe.unit_header`, and their mistakes with their places.
@Suite struct UnitSourceLoaderTests {
    /// A drill whose probe has `lines` besides its request.
    static func drill(_ lines: String...) -> String {
        """
        drill: u
        probe:
          request: { url: "{{gateway.url}}" }
        \(lines.map { "  \($0)" }.joined(separator: "\n"))
        users: [{ id: 1 }]
        faults: [{ name: f, kind: kill-process, unit: beijing, service: product }]
        """
    }

    static func source(_ lines: String...) throws -> UnitSource {
        try DrillLoader.parseDrill(
            yaml: lines.isEmpty ? drill("interval: 100ms") : drill(lines.joined(separator: "\n  ")), file: "u.yaml"
        ).probe.unitFrom
    }

    /// Every diagnostic of the drill with `lines` in its probe.
    static func problems(_ lines: String...) -> [String] {
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(yaml: drill(lines.joined(separator: "\n  ")), file: "u.yaml")
        }
        return error?.diagnostics.map(\.description) ?? []
    }

    @Test func readsBothFormsAndTheShortOne() throws {
        #expect(try Self.source() == .header("X-Unit"))
        #expect(try Self.source("unit_header: X-Served-By") == .header("X-Served-By"))
        #expect(try Self.source("unit_from: { header: X-Served-By }") == .header("X-Served-By"))
        #expect(try Self.source("unit_from: { body: /data/unit }") == .body(try JSONPointer("/data/unit")))
        #expect(try Self.source("unit_from: { body: '/a~1b/0' }") == .body(try JSONPointer("/a~1b/0")))
        #expect(try Self.source("unit_from: { body: '' }") == .body(try JSONPointer("")))
        #expect(try Self.source("unit_from:", "  body: /unit") == .body(try JSONPointer("/unit")))
    }

    @Test func bothFormsAtOnceAreRefusedAtTheLongOneWhichIsStillRead() {
        #expect(
            Self.problems("unit_header: X-Unit", "unit_from: { body: /unit }") == [
                "u.yaml:5:3: error: 'probe' takes either 'unit_header' or 'unit_from', not both ('unit_header: NAME' is short for 'unit_from: { header: NAME }')"
            ])
        #expect(
            Self.problems("unit_from: { body: unit }", "unit_header: X-Unit") == [
                "u.yaml:4:3: error: 'probe' takes either 'unit_header' or 'unit_from', not both ('unit_header: NAME' is short for 'unit_from: { header: NAME }')",
                "u.yaml:4:22: error: 'probe.unit_from.body': a JSON Pointer is empty (the whole body) or starts with '/', found 'unit' (did you mean '/unit'?)",
            ])
    }

    @Test func aPointerWithoutItsSlashOrWithABadEscapeIsRefused() {
        #expect(
            Self.problems("unit_from: { body: unit }") == [
                "u.yaml:4:22: error: 'probe.unit_from.body': a JSON Pointer is empty (the whole body) or starts with '/', found 'unit' (did you mean '/unit'?)"
            ])
        #expect(
            Self.problems("unit_from:", "  body: /data~2unit") == [
                "u.yaml:5:11: error: 'probe.unit_from.body': in a JSON Pointer '~' is followed by 0 ('~0' is '~') or 1 ('~1' is '/'), found '/data~2unit'"
            ])
    }

    @Test func headerAndBodyTogetherOrNeitherAreRefused() {
        #expect(
            Self.problems("unit_from: { header: X-Unit, body: /unit }") == [
                "u.yaml:4:14: error: 'probe.unit_from' takes either 'header' or 'body', not both"
            ])
        #expect(
            Self.problems("unit_from: { json: /unit }") == [
                "u.yaml:4:14: error: 'probe.unit_from' needs 'header: NAME' or 'body: /json/pointer' (such as /unit)",
                "u.yaml:4:16: error: unknown key 'json' in 'probe.unit_from'; allowed keys are: header, body",
            ])
        #expect(
            Self.problems("unit_from: { header: '' }") == [
                "u.yaml:4:24: error: expected a string, found an empty string"
            ])
        #expect(
            Self.problems("unit_from: /unit") == [
                "u.yaml:4:14: error: expected a mapping for 'probe.unit_from', found '/unit'"
            ])
    }

    @Test func aMistakeInTheProbeKeysSuggestsUnitFrom() {
        #expect(
            Self.problems("unit_form: { body: /unit }").first?.hasPrefix(
                "u.yaml:4:3: error: unknown key 'unit_form' in 'probe' (did you mean 'unit_from'?") == true)
    }
}
