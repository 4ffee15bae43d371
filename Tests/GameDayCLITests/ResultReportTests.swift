import Foundation
import Testing

@testable import GameDayCLI

/// `gameday report`'s logic in-process: where the report goes, and errors that say where the input
/// went wrong.
@Suite struct ResultReportTests {
    /// A result archived by a real run (the fixture the report's own tests use).
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("GameDayCoreTests/Fixtures/results/storefront-strong-dependency.json").path

    /// A fresh directory holding `text` as `result.json`.
    static func directory(with text: String? = nil) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let data = try text.map { Data($0.utf8) } ?? Data(contentsOf: URL(fileURLWithPath: fixture))
        try data.write(to: directory.appendingPathComponent("result.json"))
        return directory
    }

    @Test func writesReportHTMLBesideTheResultByDefault() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = directory.appendingPathComponent("result.json").path
        let path = try ResultReport(resultPath: result, outputPath: nil).write()
        #expect(path == directory.appendingPathComponent("report.html").path)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<h1>storefront-strong-dependency</h1>"))
    }

    @Test func writesWhereOutputSaysFileOrDirectory() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = directory.appendingPathComponent("result.json").path
        let file = directory.appendingPathComponent("drill.html").path
        #expect(try ResultReport(resultPath: result, outputPath: file).write() == file)
        let folder = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(
            try ResultReport(resultPath: result, outputPath: folder.path).write()
                == folder.appendingPathComponent("report.html").path)
    }

    @Test func aMissingFileIsBadInput() throws {
        let error = #expect(throws: ResultReportError.self) {
            try ResultReport(resultPath: "/nonexistent/result.json", outputPath: nil).write()
        }
        #expect(error == .missing(path: "/nonexistent/result.json"))
        #expect(error?.exitCode == 2)
        #expect(
            error?.description.hasPrefix("/nonexistent/result.json: error: no such file; pass the result.json") == true)
    }

    @Test func aDirectoryNamedLikeTheResultIsSaidInWords() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let folder = directory.appendingPathComponent("result-folder.json")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let error = #expect(throws: ResultReportError.self) {
            try ResultReport(resultPath: folder.path, outputPath: nil).read()
        }
        #expect(error == .unreadable(path: folder.path, reason: "is a directory"))
        #expect(
            error?.description.hasPrefix("\(folder.path): error: the file is a directory; pass the result.json") == true
        )
    }

    @Test func textThatIsNotJSONIsReportedWithItsLineAndColumn() throws {
        let directory = try Self.directory(with: "{\n  \"run_id\": \"a\",\n  \"drill\": ?\n}")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = directory.appendingPathComponent("result.json").path
        let error = #expect(throws: ResultReportError.self) {
            try ResultReport(resultPath: result, outputPath: nil).read()
        }
        #expect(error == .notAResult(path: result, problem: .notJSON("invalid value at line 3, column 12")))
        #expect(
            error?.description.hasPrefix("\(result): error: not JSON: invalid value at line 3, column 12;") == true)
        #expect(error?.exitCode == 2)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("report.html").path))
    }

    @Test func jsonThatIsNotAResultSaysWhereByItsPath() throws {
        var json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.fixture)))
                as? [String: Any])
        var users = try #require(json["users"] as? [[String: Any]])
        var timeline = try #require(users[1]["timeline"] as? [[String: Any]])
        timeline[0]["ok"] = "yes"
        users[1]["timeline"] = timeline
        users[0]["id"] = nil
        json["users"] = users
        let text = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        let directory = try Self.directory(with: text)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = directory.appendingPathComponent("result.json").path
        let error = #expect(throws: ResultReportError.self) {
            try ResultReport(resultPath: result, outputPath: nil).read()
        }
        #expect(error == .notAResult(path: result, problem: .notAResult("missing users[0].id")))
        #expect(error?.description.contains("not a gameday result: missing users[0].id;") == true)
    }
}
