import ArgumentParser
import Foundation
import GameDayCore

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
            throw .unreadable(path: resultPath, reason: error.localizedDescription)
        }
        do {
            return try JSONDecoder().decode(RunResult.self, from: data)
        } catch let error as DecodingError {
            throw ResultReportError(resultPath, error, data: data)
        } catch {
            throw .unreadable(path: resultPath, reason: error.localizedDescription)
        }
    }
}

/// Why a report could not be written; each says what to do about it.
enum ResultReportError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    /// Not JSON at all, with where the parser stopped when it said.
    case notJSON(path: String, line: Int?, column: Int?, reason: String)
    /// JSON, but not a run result: where (a JSON path such as `users[0].timeline[2]`) and what.
    case notAResult(path: String, at: String, reason: String)
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
            return "\(path): error: cannot read it: \(reason)"
        case .notJSON(let path, let line, let column, let reason):
            let place = line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? ""
            return "\(path)\(place): error: not JSON: \(reason); \(hint)"
        case .notAResult(let path, let at, let reason):
            return "\(path): error: not a gameday result: \(reason) at '\(at)'; \(hint)"
        case .unwritable(let path, let reason):
            return "\(path): error: cannot write the report: \(reason); choose another place with --output"
        }
    }

    /// What went wrong in decoding `data`, read from `path`.
    init(_ path: String, _ error: DecodingError, data: Data) {
        switch error {
        case .keyNotFound(let key, let context):
            self = .notAResult(path: path, at: Self.location(context), reason: "missing key '\(key.stringValue)'")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            self = .notAResult(path: path, at: Self.location(context), reason: "expected \(type)")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self = Self.syntax(path, data: data)
        case .dataCorrupted(let context):
            self = .notAResult(path: path, at: Self.location(context), reason: context.debugDescription)
        @unknown default:
            self = .notAResult(path: path, at: "(top level)", reason: "\(error)")
        }
    }

    /// `users[0].timeline[2].ok`, or `(top level)`.
    static func location(_ context: DecodingError.Context) -> String {
        let text = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        if text.isEmpty { return "(top level)" }
        return text.hasPrefix(".") ? String(text.dropFirst()) : text
    }

    /// JSONDecoder says only that the data is not JSON; JSONSerialization says at which byte
    /// (`Invalid value around character 8.`), turned here into a line and column.
    static func syntax(_ path: String, data: Data) -> ResultReportError {
        var reason = "the data is not valid JSON"
        var place: (line: Int, column: Int)?
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            if let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String {
                let stated = text.split(separator: " around ").first.map(String.init) ?? text
                reason = stated.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
                if let match = text.firstMatch(of: /character (\d+)/), let offset = Int(match.1) {
                    place = position(of: offset, in: data)
                } else if text.contains("end of file") {
                    place = position(of: data.count, in: data)
                }
            }
        }
        return .notJSON(path: path, line: place?.line, column: place?.column, reason: reason)
    }

    /// The 1-based line and column of the byte at `offset`.
    static func position(of offset: Int, in data: Data) -> (line: Int, column: Int) {
        let before = data.prefix(max(0, min(offset, data.count)))
        let line = before.count { $0 == UInt8(ascii: "\n") } + 1
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? before.startIndex
        return (line, before.endIndex - lineStart + 1)
    }
}
