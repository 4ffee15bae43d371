import Foundation
import GameDayCore
import Testing

/// `result.json` of every schema version this build reads, and clear refusals of the rest.
@Suite struct ResultFileTests {
    static func read(_ name: String) throws -> RunResult {
        try RunResult.read(Data(contentsOf: URL(fileURLWithPath: Fixture.path("results/\(name)"))))
    }

    @Test func anEarlyVersionOneFileWithoutGroupsOrRPOIsRead() throws {
        let result = try Self.read("v1-early-strong-dependency.json")
        #expect(result.schemaVersion == 1)
        #expect(result.drill.name == "storefront-strong-dependency")
        #expect(result.groups.isEmpty)
        #expect(result.rpo == nil)
        #expect(result.users.map(\.skipped) == [0, 0], "an early file has no skipped count")
        #expect(result.rto?.measuredMs != nil)
        #expect(result.archive == ArchiveFiles(result: "result.json"))
    }

    @Test func aLateVersionOneFileKeepsItsRawSamplesAsAnArchiveMember() throws {
        let result = try Self.read("v1-late-order-unit-failure.json")
        #expect(result.schemaVersion == 1)
        #expect(result.archive?.rawSamples == "samples.ndjson")
        #expect(result.rpo?.lost == 0)
        #expect(!result.groups.isEmpty)
    }

    @Test func versionTwoRoundTrips() throws {
        let result = try Self.read("v2-order-unit-failure.json")
        #expect(result.schemaVersion == RunResult.schemaVersion)
        #expect(result.archive?.junit == "junit.xml")
        let again = try RunResult.read(try JSONEncoder().encode(result))
        #expect(again == result)
    }

    @Test func aNewerVersionIsRefusedWithWhatThisBuildReads() throws {
        var json = try Fixture.text("results/v2-order-unit-failure.json")
        json = json.replacingOccurrences(of: "\"schema_version\" : 2", with: "\"schema_version\" : 7")
        #expect(throws: ResultFileError.newerSchema(7)) { try RunResult.read(Data(json.utf8)) }
        #expect(
            ResultFileError.newerSchema(7).description
                == "schema_version 7 is newer than this gameday reads (1–2): upgrade gameday")
    }

    @Test func garbageAndStrangersAreNamed() throws {
        #expect(throws: ResultFileError.self) { try RunResult.read(Data("{\"schema_version\": 2,".utf8)) }
        do {
            _ = try RunResult.read(Data("{\"schema_version\": 2,".utf8))
        } catch let error as ResultFileError {
            #expect("\(error)".hasPrefix("not JSON: not valid JSON"), "\(error)")
        }
        #expect(throws: ResultFileError.notAResult("no schema_version")) {
            try RunResult.read(Data(#"{"drill": "x"}"#.utf8))
        }
        #expect(throws: ResultFileError.notAResult("missing 'run_id'")) {
            try RunResult.read(Data(#"{"schema_version": 2}"#.utf8))
        }
        #expect(throws: ResultFileError.notAResult("'outcome' must be a string")) {
            var json = try Fixture.text("results/v2-order-unit-failure.json")
            json = json.replacingOccurrences(of: "\"outcome\" : \"pass\"", with: "\"outcome\" : 3")
            return try RunResult.read(Data(json.utf8))
        }
    }
}
