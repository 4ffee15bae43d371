import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// The archive: prepared (and proven writable) before the run, and a run whose archive is
/// incomplete is not a pass.
@Suite struct ResultArchiveTests {
    static func passing() throws -> RunResult {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GameDayCoreTests/Fixtures/results/v3-storefront-strong-dependency.json")
        return try RunResult.read(Data(contentsOf: path))
    }

    @Test func theRunsDirectoryIsMadeBeforeTheRunAndItsResultLandsThere() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        var result = try Self.passing()
        let archive = ResultArchive(root: scratch.path("results"))
        let prepared = try archive.prepare(drill: result.drill.name, startedAt: result.startedAt, runId: result.runId)
        #expect(FileManager.default.fileExists(atPath: prepared))
        #expect(try FileManager.default.contentsOfDirectory(atPath: prepared).isEmpty, "the write check left a file")
        let written = try archive.write(&result, ResultArchive.Contents())
        #expect(written.directory == prepared)
        #expect(written.problems.isEmpty)
        #expect(result.outcome == .pass)
    }

    @Test func aPlaceThatCannotBeWrittenIsRefusedWithWhy() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let file = scratch.path("a-file")
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: ArchiveError.self) {
            try ResultArchive(root: "\(file)/results").prepare(
                drill: "d", startedAt: "2026-12-05T00:00:00.000Z", runId: "r")
        }
        #expect(error?.place == "\(file)/results/d/20261205T000000Z-r")
        #expect(error?.reason.isEmpty == false)
        #expect(error?.reason.contains("NSCocoaErrorDomain") == false, "\(String(describing: error))")
        #expect(throws: ArchiveError.self) { try ResultArchive.prepareFile("\(file)/junit.xml") }
    }

    @Test func aPassWhoseArchiveIsIncompleteIsNotAPass() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        var result = try Self.passing()
        let archive = ResultArchive(root: scratch.path("results"))
        let directory = try archive.prepare(drill: result.drill.name, startedAt: result.startedAt, runId: result.runId)
        // A directory where junit.xml should go: it cannot be written.
        try FileManager.default.createDirectory(
            atPath: "\(directory)/\(ResultArchive.junitFile)", withIntermediateDirectories: false)
        let written = try archive.write(&result, ResultArchive.Contents())
        #expect(written.problems.count == 1)
        #expect(result.outcome == .error)
        #expect(result.exitCode == 3)
        #expect(
            result.reason?.hasPrefix("the drill passed, but its archive is incomplete: junit.xml could not be written")
                == true)
        let archived = try RunResult.read(Data(contentsOf: URL(fileURLWithPath: "\(directory)/result.json")))
        #expect(archived.outcome == .error)
    }
}
