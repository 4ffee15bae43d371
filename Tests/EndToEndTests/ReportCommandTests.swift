import Foundation
import GameDayTestSupport
import Testing

/// `gameday report` as a user runs it: the built binary, its output, its exit codes.
@Suite struct ReportCommandTests {
    @Test func writesTheReportBesideTheResultAndPrintsItsPath() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-e2e-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = directory.appendingPathComponent("result.json")
        let fixture = "\(DrillRun.repository)/Tests/GameDayCoreTests/Fixtures/results/order-unit-failure.json"
        try FileManager.default.copyItem(atPath: fixture, toPath: result.path)
        let binary = try GameDayBinary.path

        let written = try await ChildProcess.run([binary, "report", result.path])
        #expect(written.exitCode == 0, "\(written.transcript)")
        let report = directory.appendingPathComponent("report.html").path
        #expect(written.stdout == report + "\n")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("<h2>Data loss (RPO)</h2>"))

        try Data("hello, not json".utf8).write(to: result)
        let refused = try await ChildProcess.run([
            binary, "report", result.path, "--output", "\(directory.path)/x.html",
        ])
        #expect(refused.exitCode == 2, "\(refused.transcript)")
        #expect(refused.stderr.hasPrefix("\(result.path): error: not JSON: "), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(directory.path)/x.html"))
    }
}
