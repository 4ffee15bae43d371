import Foundation
import GameDayCore
import Testing

/// `result.json` of every schema version this build reads, and clear refusals of the rest.
@Suite struct ResultFileTests {
    static func read(_ name: String) throws -> RunResult {
        try RunResult.read(Data(contentsOf: URL(fileURLWithPath: Fixture.path(name))))
    }

    @Test func anEarlyVersionOneFileWithoutGroupsOrRPOIsRead() throws {
        let result = try Self.read("history/results/storefront-strong-dependency/20261121T055052Z-96b91d79/result.json")
        #expect(result.schemaVersion == 1)
        #expect(result.drill.name == "storefront-strong-dependency")
        #expect(result.groups.isEmpty)
        #expect(result.rpo == nil)
        #expect(result.users.map(\.skipped) == [0, 0], "an early file has no skipped count")
        #expect(result.rto?.measuredMs != nil)
        #expect(result.archive == ArchiveFiles(result: "result.json"))
    }

    @Test func aLateVersionOneFileKeepsItsRawSamplesAsAnArchiveMember() throws {
        let result = try Self.read("results/v1-late-order-unit-failure.json")
        #expect(result.schemaVersion == 1)
        #expect(result.archive?.rawSamples == "samples.ndjson")
        #expect(result.rpo?.lost == 0)
        #expect(!result.groups.isEmpty)
    }

    @Test func versionTwoRoundTrips() throws {
        let result = try Self.read("results/v2-order-unit-failure.json")
        #expect(result.schemaVersion == RunResult.schemaVersion)
        #expect(result.archive?.junit == "junit.xml")
        let again = try RunResult.read(try JSONEncoder().encode(result))
        #expect(again == result)
    }

    @Test func aNewerVersionIsRefusedWithWhatThisBuildReads() throws {
        var json = try Fixture.text("results/v2-order-unit-failure.json")
        json = json.replacingOccurrences(of: "\"schema_version\" : 2", with: "\"schema_version\" : 7")
        #expect(throws: ArchiveProblem.newerVersion(7)) { try RunResult.read(Data(json.utf8)) }
        #expect(
            ArchiveProblem.newerVersion(7).description
                == "schema_version 7 is newer than this gameday reads (1–2): upgrade gameday")
    }

    /// The same words as `gameday history` (its tests cover every kind of bad file).
    @Test func garbageAndStrangersAreNamed() throws {
        #expect(throws: ArchiveProblem.notJSON("it ends early, at line 1, column 22 (cut short?)")) {
            try RunResult.read(Data("{\"schema_version\": 2,".utf8))
        }
        #expect(throws: ArchiveProblem.notAResult("missing schema_version")) {
            try RunResult.read(Data(#"{"drill": "x"}"#.utf8))
        }
        #expect(throws: ArchiveProblem.notAResult("missing run_id")) {
            try RunResult.read(Data(#"{"schema_version": 2}"#.utf8))
        }
        #expect(throws: ArchiveProblem.notAResult("outcome is not a string")) {
            var json = try Fixture.text("results/v2-order-unit-failure.json")
            json = json.replacingOccurrences(of: "\"outcome\" : \"pass\"", with: "\"outcome\" : 3")
            return try RunResult.read(Data(json.utf8))
        }
    }
}
