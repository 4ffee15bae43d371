import ArgumentParser
import GameDayCore

extension GameDay {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check drill and target files; report every problem with its file:line:column.",
            discussion:
                "A file whose top-level key is 'target:' is read as a target, any other as a drill. Nothing is changed."
        )

        @Argument(help: "Drill and target files.")
        var files: [String]

        @Option(name: .shortAndLong, help: "Also check every drill against this target file.")
        var target: String?

        func run() async throws {
            let report = FileValidation(files: files, target: target).validate()
            for line in report.lines { Terminal.out(line) }
            for diagnostic in report.diagnostics { Terminal.err(diagnostic.description) }
            if report.errorCount > 0 {
                Terminal.err("gameday: \(report.errorCount) error\(report.errorCount == 1 ? "" : "s")")
                throw ExitCode(RunOutcome.invalid.exitCode)
            }
        }
    }
}
