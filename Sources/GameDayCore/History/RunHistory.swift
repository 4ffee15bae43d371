import Foundation

/// The archived runs under some results directories: newest first, each drill's RTO trend, and
/// what could not be read.
public struct RunHistory: Sendable {
    /// Newest first.
    public var runs: [PastRun]
    /// One per drill listed, by drill name.
    public var trends: [RTOTrend]
    public var unreadable: [UnreadableArchive]
    /// The drill asked for, if any.
    public var drill: String?
    /// Every drill read before `drill` filtered them: for "did you mean".
    public var drillsRead: [String]

    /// Reads every archive under `paths` in `files` (see `ArchiveScan`), keeps `drill`'s runs when
    /// given, and the `limit` newest runs of each drill; throws only when a path does not exist.
    public static func read(
        _ paths: [String], from files: any FileSystem, drill: String? = nil, limit: Int? = nil
    ) throws(HistoryError) -> RunHistory {
        var runs: [PastRun] = []
        var unreadable: [(place: ArchiveScan.Place, problem: ArchiveProblem)] = []
        for place in try ArchiveScan.places(under: paths, in: files) {
            do throws(ArchiveProblem) {
                guard !place.lacksResult else { throw .missingResult }
                runs.append(try PastRun(readingFile: place.path, from: files))
            } catch {
                unreadable.append((place, error))
            }
        }
        // An archive that could not be read has no drill name; its directory's name stands in.
        let unreadableOfDrill = unreadable.filter { drill == nil || $0.place.drillDirectory == drill }
        return RunHistory(
            runs: runs,
            unreadable: unreadableOfDrill.map { UnreadableArchive(path: $0.place.path, problem: $0.problem) },
            drill: drill, limit: limit)
    }

    /// Orders, filters and limits `runs` and works out the trends; no I/O.
    public init(runs: [PastRun], unreadable: [UnreadableArchive] = [], drill: String? = nil, limit: Int? = nil) {
        self.drill = drill
        drillsRead = Set(runs.map(\.result.drill.name)).sorted()
        var kept: [PastRun] = []
        var trends: [RTOTrend] = []
        let byDrill = Dictionary(grouping: runs.filter { drill == nil || $0.result.drill.name == drill }) {
            $0.result.drill.name
        }
        for (name, drillRuns) in byDrill.sorted(by: { $0.key < $1.key }) {
            let newest = Array(drillRuns.sorted(by: PastRun.newestFirst).prefix(limit ?? .max))
            kept += newest
            trends.append(RTOTrend(drill: name, oldestFirst: newest.reversed()))
        }
        self.runs = kept.sorted(by: PastRun.newestFirst)
        self.trends = trends
        self.unreadable = unreadable
    }

    /// `gameday history`'s exit code: 1 when archives were found and none could be read, else 0
    /// (unreadable ones beside readable ones are reported, not failed on; nothing found is no error,
    /// a first game day has no history).
    public var exitCode: Int32 { runs.isEmpty && !unreadable.isEmpty ? 1 : 0 }
}

// MARK: - The JSON shape of `gameday history --json`

extension RunHistory: Encodable {
    enum CodingKeys: String, CodingKey { case runs, trends, unreadable }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(runs, forKey: .runs)
        try container.encode(trends, forKey: .trends)
        try container.encode(unreadable, forKey: .unreadable)
    }

    /// Pretty, sorted-key JSON text: the document `--json` prints.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
