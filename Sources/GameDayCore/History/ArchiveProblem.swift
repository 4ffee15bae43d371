/// Why `gameday history` could not read an archive; printed after its path.
public enum ArchiveProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file exists but could not be read (permissions, a directory named `result.json`).
    case unreadableFile
    /// A run directory (`<UTC time>-<run id>`) without `result.json`.
    case missingResult
    /// The bytes are not JSON; the decoder's own words, with its line and column when it gives them.
    case notJSON(String)
    /// JSON, but not a gameday result: what is missing or of the wrong type.
    case notAResult(String)
    /// A schema version above the ones this build reads.
    case newerVersion(Int)
    /// A schema version below 1: gameday never wrote one.
    case unknownVersion(Int)

    public var description: String {
        let readable = ArchivedRun.readableVersions
        let range = "\(readable.lowerBound)–\(readable.upperBound)"
        switch self {
        case .unreadableFile:
            return "cannot be read: check that it is a file and its permissions"
        case .missingResult:
            return "no result.json: not an archived run (it stopped before archiving, or the file was moved)"
        case .notJSON(let detail):
            return "not JSON: \(detail)"
        case .notAResult(let detail):
            return "not a gameday result: \(detail)"
        case .newerVersion(let version):
            return "schema_version \(version) is newer than this gameday reads (\(range)): upgrade gameday"
        case .unknownVersion(let version):
            return "schema_version \(version) was never written by gameday (this one reads \(range))"
        }
    }
}

/// An archive `gameday history` found and could not read.
public struct UnreadableArchive: Sendable, Hashable, Codable {
    public var path: String
    public var reason: String

    public init(path: String, problem: ArchiveProblem) {
        self.path = path
        self.reason = problem.description
    }
}
