import Foundation

/// One archived run as `gameday history` lists it: where it was read, when it started, and the
/// projection of its result.
public struct PastRun: Sendable, Hashable {
    public var path: String
    public var started: Date
    public var result: ArchivedRun

    public init(path: String, started: Date, result: ArchivedRun) {
        self.path = path
        self.started = started
        self.result = result
    }

    /// Reads a `result.json`'s bytes; an archive whose `started_at` is no time cannot be placed in
    /// the history and is refused with the rest.
    public init(path: String, json data: Data) throws(ArchiveProblem) {
        let result = try ArchivedRun(json: data)
        guard let started = Self.time(result.startedAt) else {
            throw .notAResult("started_at '\(result.startedAt)' is not an ISO 8601 time")
        }
        self.init(path: path, started: started, result: result)
    }

    /// Reads the file at `path` in `files`.
    public init(readingFile path: String, from files: any FileSystem) throws(ArchiveProblem) {
        guard let data = try? files.contents(of: path) else { throw .unreadableFile }
        try self.init(path: path, json: data)
    }

    /// `2026-11-21T05:50:52.573Z`, with or without the fraction.
    static func time(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Newest first; runs that started at the same moment by run id, so the order never depends on
    /// the order the files were found in.
    static func newestFirst(_ a: PastRun, _ b: PastRun) -> Bool {
        a.started != b.started ? a.started > b.started : a.result.runId < b.result.runId
    }
}

// MARK: - The JSON shape of `gameday history --json`

extension PastRun: Encodable {
    enum CodingKeys: String, CodingKey {
        case path, schemaVersion = "schema_version", runId = "run_id", drill, target, startedAt = "started_at",
            outcome, exitCode = "exit_code", reason, failedVerdicts = "failed_verdicts", rto, rpo,
            detectMs = "detect_ms", cutoverMs = "cutover_ms", archive
    }

    /// Every member is written, `null` when the archive lacks it, so the shape never varies.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(result.schemaVersion, forKey: .schemaVersion)
        try container.encode(result.runId, forKey: .runId)
        try container.encode(result.drill.name, forKey: .drill)
        try container.encode(result.target?.name, forKey: .target)
        try container.encode(result.startedAt, forKey: .startedAt)
        try container.encode(result.outcome, forKey: .outcome)
        try container.encode(result.exitCode, forKey: .exitCode)
        try container.encode(result.reason, forKey: .reason)
        try container.encode(result.failedVerdicts, forKey: .failedVerdicts)
        try container.encode(result.rto.map(RTOSummary.init), forKey: .rto)
        try container.encode(result.rpo.map(RPOSummary.init), forKey: .rpo)
        try container.encode(result.rto?.detectMs, forKey: .detectMs)
        try container.encode(result.cutoverMs, forKey: .cutoverMs)
        try container.encode(result.archive, forKey: .archive)
    }

    private struct RTOSummary: Encodable {
        var rto: ArchivedRun.RTO

        enum CodingKeys: String, CodingKey { case goalMs = "goal_ms", measuredMs = "measured_ms", met }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rto.goalMs, forKey: .goalMs)
            try container.encode(rto.measuredMs, forKey: .measuredMs)
            try container.encode(rto.met, forKey: .met)
        }
    }

    private struct RPOSummary: Encodable {
        var rpo: ArchivedRun.RPO

        enum CodingKeys: String, CodingKey { case goalMs = "goal_ms", observedMs = "observed_ms", met, lost }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(rpo.goalMs, forKey: .goalMs)
            try container.encode(rpo.observedMs, forKey: .observedMs)
            try container.encode(rpo.met, forKey: .met)
            try container.encode(rpo.lost, forKey: .lost)
        }
    }
}
