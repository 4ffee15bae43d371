import GameDayTestSupport
import Testing
import Yams

@testable import GameDayCore

/// Aliases reuse values, and cannot make a few hundred bytes stand for millions of values.
@Suite struct AliasExpansionTests {
    static let drill = """
        drill: reuse
        probe:
          request: { url: "{{gateway.url}}/", headers: &headers { Authorization: "Bearer {{control_plane.token}}" } }
        users: [{ id: 1 }]
        faults: [{ name: down, kind: kill-process, unit: beijing, service: product }]
        cutover:
          request: { method: POST, url: "{{control_plane.url}}/v1/cutovers", headers: *headers }

        """

    /// `levels` anchors of `fanout` aliases each, the last one used at `use` (a value or a key).
    static func laughs(levels: Int, fanout: Int, use: String) -> String {
        var lines = ["x-l0: &l0 [x, x]"]
        for level in 1...levels {
            let aliases = Array(repeating: "*l\(level - 1)", count: fanout).joined(separator: ", ")
            lines.append("x-l\(level): &l\(level) [\(aliases)]")
        }
        return lines.joined(separator: "\n") + "\n" + use.replacingOccurrences(of: "LAST", with: "l\(levels)")
    }

    static func overrun(_ yaml: String, budget: Int) throws -> AliasExpansion.Overrun? {
        let defanged = try #require(AliasExpansion.defanged(yaml))
        return AliasExpansion.overrun(in: try Yams.compose(yaml: defanged), defanged: defanged, budget: budget)
    }

    @Test func anAliasReusesAValue() throws {
        let drill = try DrillLoader.parseDrill(yaml: Self.drill, file: "reuse.yaml")
        #expect(drill.cutover?.request.headers.map(\.name) == ["Authorization"])
    }

    @Test func countsWhatEachAliasAdds() throws {
        // l0 holds 3 values (the list and its two items); l1's four aliases add 12, and its use its 13.
        let yaml = "x-l0: &l0 [x, x]\nx-l1: &l1 [*l0, *l0, *l0, *l0]\nuse: *l1\n"
        #expect(try Self.overrun(yaml, budget: 25) == nil)
        let overrun = try #require(try Self.overrun(yaml, budget: 24))
        #expect(overrun == AliasExpansion.Overrun(line: 3, column: 6, alias: "l1", anchorLine: 2, anchorValues: 13))
    }

    @Test func anAnchorAfterATagOrOnAnotherLineIsFound() throws {
        let yaml = "a: !!seq &l0 [x, x, x]\nb: !!seq\n  # the anchor below\n  &l1 [*l0, *l0]\nc: [*l1, *l1]\n"
        let overrun = try #require(try Self.overrun(yaml, budget: 20))
        #expect((overrun.line, overrun.column, overrun.alias, overrun.anchorValues) == (5, 10, "l1", 9))
    }

    @Test(arguments: ["\r", "\r\n", "\u{2028}", "\u{85}"])
    func lineBreaksOfEveryKindKeepMarksInStep(lineBreak: String) throws {
        let yaml = Self.laughs(levels: 6, fanout: 10, use: "use: *LAST").replacingOccurrences(of: "\n", with: lineBreak)
        let overrun = try #require(try Self.overrun(yaml, budget: InputLimits.expandedNodes))
        #expect((overrun.line, overrun.column, overrun.alias, overrun.anchorLine) == (6, 22, "l4", 5))
    }

    @Test func anAliasInsideItsOwnAnchorNamesTheOneBefore() throws {
        // As in Yams, '*a' inside the second '&a' is the first '&a' (3 values), not the second.
        let yaml = "first: &a [x, x]\nsecond: &a [*a, *a, *a]\nuse: [*a, *a]\n"
        #expect(try Self.overrun(yaml, budget: 9 + 20) == nil)
        #expect(try Self.overrun(yaml, budget: 9 + 19) != nil)
    }

    /// Refused at the first alias that passes the bound (the error names it), before anything is
    /// expanded: the reading does not depend on how many values the aliases would make.
    @Test func aBodyOfNestedAliasesIsRefusedAtOnce() throws {
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(
                yaml: Self.laughs(levels: 9, fanout: 10, use: "drill: x\nbody: *LAST"), file: "b.yaml")
        }
        #expect(
            error?.description
                == "b.yaml:6:22: error: aliases expand this file to more than 100000 values here ('*l4' repeats the "
                + "31111 values of '&l4' at line 5); a drill or target needs far fewer: write the values out, or reuse "
                + "fewer of them")
    }

    /// Yams hashes every mapping key to find duplicates: a key that is an alias would be hashed whole.
    @Test func anAliasAsAKeyIsBoundedToo() throws {
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(yaml: Self.laughs(levels: 9, fanout: 10, use: "? *LAST\n: x"), file: "k.yaml")
        }
        #expect(error?.diagnostics.count == 1)
        #expect(error?.diagnostics.first?.message.hasPrefix("aliases expand this file to more than 100000") == true)
    }

    /// Scalars weigh their bytes: a long scalar repeated through a few levels is few values but much text.
    @Test func aLongScalarRepeatedByAliasesIsWeighedByItsBytes() throws {
        // l0 is 100 bytes; l1's four aliases add 400, and its use 400 more.
        let yaml = "x-l0: &l0 \(String(repeating: "x", count: 100))\nx-l1: &l1 [*l0, *l0, *l0, *l0]\nuse: *l1\n"
        let defanged = try #require(AliasExpansion.defanged(yaml))
        let root = try Yams.compose(yaml: defanged)
        #expect(AliasExpansion.overrun(in: root, defanged: defanged, byteBudget: 800) == nil)
        let overrun = try #require(AliasExpansion.overrun(in: root, defanged: defanged, byteBudget: 799))
        #expect(
            overrun
                == AliasExpansion.Overrun(
                    line: 3, column: 6, alias: "l1", anchorLine: 2, anchorValues: 5, anchorBytes: 400))
    }

    /// The issue's case: a 10 KB scalar aliased through four levels of ten (11,111 values, 100 MB).
    @Test func aTenKilobyteScalarThroughFourLevelsIsRefusedAtTheByteBound() throws {
        var lines = ["drill: x", "x-l0: &l0 \(String(repeating: "y", count: 10_000))"]
        for level in 1...4 {
            lines.append(
                "x-l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                    + "]")
        }
        lines.append("body: *l4")
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(yaml: lines.joined(separator: "\n"), file: "b.yaml")
        }
        // l1 adds 100 KB, and l2's tenth alias to l1 passes 1 MB.
        #expect(
            error?.description
                == "b.yaml:4:57: error: aliases expand this file to more than 1000000 bytes of text here ('*l1' repeats "
                + "the 100000 bytes of '&l1' at line 3); a drill or target needs far less: write the values out, or "
                + "reuse fewer of them")
    }

    @Test func aFileLargerThanTheLimitIsRefusedAsAWhole() {
        let yaml = "drill: x\n# " + String(repeating: "z", count: InputLimits.fileBytes) + "\n"
        let error = #expect(throws: DiagnosticsError.self) { try DrillLoader.parseDrill(yaml: yaml, file: "big.yaml") }
        #expect(
            error?.description
                == "big.yaml:1:1: error: the file is \(yaml.utf8.count) bytes, more than the 1000000 a drill or target "
                + "may be; check that this is the file you meant")
    }

    @Test func anUndefinedAliasIsNamed() {
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(yaml: "drill: x\nprobe: *probe\n", file: "u.yaml")
        }
        #expect(
            error?.description
                == "u.yaml:2:8: error: invalid YAML: alias '*probe' names no anchor defined before it; "
                + "put '&probe' on an earlier value, or write the value out")
    }

    @Test func aBadValueRepeatedByAliasesIsReportedOnce() {
        let yaml = """
            drill: x
            probe: { interval: &bad 5, request: { url: "{{gateway.url}}/" } }
            users: [{ id: 1 }]
            faults: [{ name: down, kind: kill-process, unit: beijing, service: product }]
            steady_state: { duration: *bad }
            observe: { duration: *bad }

            """
        let error = #expect(throws: DiagnosticsError.self) { try DrillLoader.parseDrill(yaml: yaml, file: "r.yaml") }
        #expect(
            error?.description
                == "r.yaml:2:20: error: expected a duration such as '250ms', '5s' or '2m', found '5'")
    }
}
