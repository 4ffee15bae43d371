import ArgumentParser
import Foundation
import GameDayCore
import GameDayRuntime

extension GameDay {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the HTML report of a run from its result.json.",
            discussion: """
                One self-contained file (inline CSS and SVG, nothing fetched, no script): the verdicts, a timeline \
                of every user or group with the drill's moments, the RTO against its goal with its breakdown, the \
                RPO, the faults and the cut-over. Written beside result.json as report.html unless --output says \
                otherwise; prints the path. Exit 2 when the result cannot be read.
                """)

        @Argument(help: ArgumentHelp("The result.json of a run.", valueName: "result.json"))
        var result: String

        @Option(
            name: .shortAndLong,
            help: ArgumentHelp("Where to write the report (a file, or a directory for report.html).", valueName: "path")
        )
        var output: String?

        func run() async throws {
            do {
                Terminal.out(try ResultReport(resultPath: result, outputPath: output).write())
            } catch {
                Terminal.err(error.description)
                throw ExitCode(error.exitCode)
            }
        }
    }
}

/// Reads an archived result and writes its HTML report.
struct ResultReport {
    let resultPath: String
    let outputPath: String?

    /// Where the report goes: `--output` (inside it when it is a directory), else beside the result.
    var destination: String {
        let name = "report.html"
        guard let outputPath else {
            return URL(fileURLWithPath: resultPath).deletingLastPathComponent().appendingPathComponent(name).path
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: outputPath, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: outputPath).appendingPathComponent(name).path
        }
        return outputPath
    }

    /// Writes the report and returns its path.
    func write() throws(ResultReportError) -> String {
        let result = try read()
        let path = destination
        do {
            try Data(HTMLReport.render(result).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .unwritable(path: path, reason: error.localizedDescription)
        }
        return path
    }

    /// The result, or an error that says where it went wrong.
    func read() throws(ResultReportError) -> RunResult {
        guard FileManager.default.fileExists(atPath: resultPath) else { throw .missing(path: resultPath) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: resultPath))
        } catch {
            throw .unreadable(path: resultPath, reason: FileProblem(path: resultPath, error: error).description)
        }
        do {
            return try RunResult.read(data)
        } catch {
            throw .notAResult(path: resultPath, problem: error)
        }
    }
}

/// Why a report could not be written; each says what to do about it.
enum ResultReportError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    /// Not JSON, not a result, or of a schema this build does not read (in `gameday history`'s words).
    case notAResult(path: String, problem: ArchiveProblem)
    case unwritable(path: String, reason: String)

    /// Bad input is exit 2, like an invalid drill; a report that cannot be written is exit 3.
    var exitCode: Int32 {
        switch self {
        case .unwritable: RunOutcome.error.exitCode
        default: RunOutcome.invalid.exitCode
        }
    }

    var description: String {
        let hint = "pass the result.json of a run ('gameday run' archives it under its --output directory)"
        switch self {
        case .missing(let path):
            return "\(path): error: no such file; \(hint)"
        case .unreadable(let path, let reason):
            return "\(path): error: the file \(reason); \(hint)"
        case .notAResult(let path, let problem):
            return "\(path): error: \(problem); \(hint)"
        case .unwritable(let path, let reason):
            return "\(path): error: cannot write the report: \(reason); choose another place with --output"
        }
    }
}
