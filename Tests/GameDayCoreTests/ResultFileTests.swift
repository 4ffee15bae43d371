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
        #expect(result.schemaVersion == 2)
        #expect(result.archive?.junit == "junit.xml")
        #expect(result.inject == nil && result.rollbackCheck == nil && result.timeline.fault?.unixMs == nil)
        let again = try RunResult.read(try JSONEncoder().encode(result))
        #expect(again == result)
    }

    @Test func versionThreeRoundTripsWithTheEffectingMomentAndTheRollbackCheck() throws {
        let result = try Self.read("results/v3-storefront-strong-dependency.json")
        #expect(result.schemaVersion == 3)
        let fault = try #require(result.timeline.fault)
        #expect(result.faults.first?.appliedMs == fault.ms)
        #expect(try #require(result.inject?.prepareMs) > 0)
        #expect(fault.unixMs != nil)
        #expect(result.timeline.detect?.observedMs != nil && result.timeline.recovered?.observedMs != nil)
        #expect(result.rollbackCheck?.outcome == .healthy)
        let again = try RunResult.read(try JSONEncoder().encode(result))
        #expect(again == result)
    }

    /// Versions 1 and 2 counted `first_failure_since_fault_ms` from the run's start; read, it counts
    /// from the fault (at 1171.224 ms in this file) as version 3 writes it.
    @Test func anOlderFirstFailureSinceTheFaultIsReadFromTheFault() throws {
        var json = try Fixture.text("results/v2-order-unit-failure.json")
        let bystander = #""samples_during_fault" : 27,"#
        #expect(json.contains(bystander))
        json = json.replacingOccurrences(
            of: bystander,
            with: bystander + #" "failures_since_fault" : 1, "first_failure_since_fault_ms" : 1290.5,"#)
        let result = try RunResult.read(Data(json.utf8))
        let user = try #require(result.users.first { $0.id == "50" })
        #expect(user.firstFailureSinceFaultMs.map { ($0 * 1000).rounded() / 1000 } == 119.276)
    }

    @Test func aNewerVersionIsRefusedWithWhatThisBuildReads() throws {
        var json = try Fixture.text("results/v2-order-unit-failure.json")
        json = json.replacingOccurrences(of: "\"schema_version\" : 2", with: "\"schema_version\" : 7")
        #expect(throws: ArchiveProblem.newerVersion(7)) { try RunResult.read(Data(json.utf8)) }
        #expect(
            ArchiveProblem.newerVersion(7).description
                == "schema_version 7 is newer than this gameday reads (1–4): upgrade gameday")
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
