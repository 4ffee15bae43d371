import Foundation
import GameDayTestSupport
import Testing

@testable import GameDayCore

/// How `gameday history` looks through a results tree, on trees held in memory: the depth it goes
/// to, what it passes over, and what it reads.
@Suite struct ArchiveScanTests {
    static let run = "/r/drill-a/20261121T055052Z-96b91d79"
    static let empty = "/r/drill-a/20261121T060550Z-6ea392c0"

    static func tree(result: String = "{}") -> MemoryFileSystem {
        MemoryFileSystem([
            "\(run)/result.json": result,
            // A run directory that lost its result: listed as such.
            "\(empty)/samples.ndjson": "",
            // Not run directories: passed over in silence.
            "/r/drill-a/notes/todo.txt": "",
            "/r/.trash/20261121T055052Z-0000aaaa/result.json": "{}",
            // Three levels below the path given: too deep to look at.
            "/r/x/y/20261121T055052Z-0000bbbb/result.json": "{}",
        ])
    }

    @Test func theScanGoesTwoLevelsDownAndPassesOverWhatIsNoRun() throws {
        let places = try ArchiveScan.places(under: ["/r"], in: Self.tree())
        #expect(
            places == [
                ArchiveScan.Place(path: "\(Self.run)/result.json", lacksResult: false),
                ArchiveScan.Place(path: Self.empty, lacksResult: true),
            ])
        #expect(places.map(\.drillDirectory) == ["drill-a", "drill-a"])
    }

    @Test func aPathThatIsNotThereIsNamed() {
        #expect(throws: HistoryError.noSuchPath(["/nowhere"])) {
            try ArchiveScan.places(under: ["/r", "/nowhere"], in: Self.tree())
        }
    }

    @Test func theHistoryReadsItsArchivesThroughTheFileSystemItIsGiven() throws {
        let result = try Fixture.text(
            "history/results/storefront-strong-dependency/20261121T055052Z-96b91d79/result.json")
        let history = try RunHistory.read(["/r/drill-a"], from: Self.tree(result: result))
        #expect(history.runs.map(\.result.runId) == ["96b91d79"])
        #expect(history.runs.map(\.path) == ["\(Self.run)/result.json"])
        #expect(history.unreadable == [UnreadableArchive(path: Self.empty, problem: .missingResult)])
    }
}
