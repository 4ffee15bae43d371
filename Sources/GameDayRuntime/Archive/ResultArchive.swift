import Foundation
import GameDayCore

/// Writes a run's archive: `results/<drill>/<UTC time>-<run id>/` with `result.json`, `junit.xml`,
/// `report.html` and, when asked, the raw samples.
public struct ResultArchive: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public static let resultFile = "result.json"
    public static let junitFile = "junit.xml"
    public static let reportFile = "report.html"
    /// The raw samples beside `result.json` (`run --raw-samples`).
    public static let rawSamplesFile = "samples.ndjson"

    /// What goes into the archive besides `result.json`.
    public struct Contents: Sendable {
        /// A raw samples file written during the run, moved into the archive.
        public var rawSamples: String?
        /// Renders `report.html`; nil for no report.
        public var report: (@Sendable (RunResult) -> String)?

        public init(rawSamples: String? = nil, report: (@Sendable (RunResult) -> String)? = nil) {
            self.rawSamples = rawSamples
            self.report = report
        }
    }

    /// The directory for one run.
    public func directory(for result: RunResult) -> String {
        directory(drill: result.drill.name, startedAt: result.startedAt, runId: result.runId)
    }

    /// The directory for the run `runId` of `drill` that started at `startedAt` (ISO 8601).
    public func directory(drill: String, startedAt: String, runId: String) -> String {
        "\(root)/\(drill)/\(Self.compactTime(startedAt))-\(runId)"
    }

    /// Creates the run's directory before anything is done, and proves a file can be written
    /// there: a run whose archive cannot be written is refused before it harms anything.
    public func prepare(drill: String, startedAt: String, runId: String) throws(ArchiveError) -> String {
        let directory = directory(drill: drill, startedAt: startedAt, runId: runId)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ArchiveError(place: directory, reason: FileProblem.words(error))
        }
        try Self.proveWritable(directory)
        return directory
    }

    /// Creates the folder of a file the run will write elsewhere (`--junit PATH`) and proves a
    /// file can be written there.
    public static func prepareFile(_ path: String) throws(ArchiveError) {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ArchiveError(place: folder, reason: FileProblem.words(error))
        }
        try proveWritable(folder)
    }

    /// Writes and removes a small file in `directory`.
    public static func proveWritable(_ directory: String) throws(ArchiveError) {
        let probe = "\(directory)/.gameday-write-check-\(getpid())"
        guard FileManager.default.createFile(atPath: probe, contents: Data("ok\n".utf8)) else {
            throw ArchiveError(
                place: directory, reason: access(directory, W_OK) == 0 ? "the disk may be full" : "permission denied")
        }
        unlink(probe)
    }

    /// Writes the archive, `result.json` last with the list of the files that were written; returns
    /// the directory and what could not be written (the rest is still there).
    public func write(_ result: inout RunResult, _ contents: Contents) throws -> (directory: String, problems: [String])
    {
        let directory = directory(for: result)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files = ArchiveFiles(result: Self.resultFile)
        var problems: [String] = []
        if let raw = contents.rawSamples {
            do {
                try FileManager.default.moveItem(atPath: raw, toPath: "\(directory)/\(Self.rawSamplesFile)")
                files.rawSamples = Self.rawSamplesFile
            } catch {
                problems.append("the raw samples could not be archived: \(FileProblem.words(error))")
            }
        }
        // The JUnit file and the report are written from the result as it will be archived.
        var archived = result
        archived.archive = files
        archived.archive?.junit = Self.junitFile
        if contents.report != nil { archived.archive?.report = Self.reportFile }
        do {
            try Data(JUnitReport.render(archived).utf8).write(
                to: URL(fileURLWithPath: "\(directory)/\(Self.junitFile)"), options: .atomic)
            files.junit = Self.junitFile
        } catch {
            problems.append("junit.xml could not be written: \(FileProblem.words(error))")
        }
        if let report = contents.report {
            do {
                try Data(report(archived).utf8).write(
                    to: URL(fileURLWithPath: "\(directory)/\(Self.reportFile)"), options: .atomic)
                files.report = Self.reportFile
            } catch {
                problems.append("report.html could not be written: \(FileProblem.words(error))")
            }
        }
        result.archive = files
        // A run whose archive is incomplete is not a pass: CI would read a PASS it cannot show.
        if !problems.isEmpty, result.outcome == .pass {
            result.outcome = .error
            result.exitCode = RunOutcome.error.exitCode
            result.reason = "the drill passed, but its archive is incomplete: " + problems.joined(separator: "; ")
        }
        try Self.encode(result).write(
            to: URL(fileURLWithPath: "\(directory)/\(Self.resultFile)"), options: .atomic)
        return (directory, problems)
    }

    /// `--junit PATH`: the run's JUnit file, also where CI looks for it.
    public static func writeJUnit(_ result: RunResult, to path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(JUnitReport.render(result).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// A result (a run's, a game day's) as its archive holds it: pretty, keys sorted, a final line feed.
    public static func encode(_ result: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(result)
        data.append(0x0a)
        return data
    }

    /// `2026-11-21T05:30:00.123Z` → `20261121T053000Z`
    static func compactTime(_ iso: String) -> String {
        let digits = iso.prefix(19).filter { $0.isNumber || $0 == "T" }
        return digits + "Z"
    }
}
