import ArgumentParser
import GameDayCore

extension GameDay {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check drill and target files; report every problem with its file:line:column.",
            discussion:
                "A file whose top-level key is 'target:' is read as a target, any other as a drill. Nothing is changed. "
                + "Files with {{vars.NAME}} are checked with the values of --var and --var-file filled in."
        )

        @Argument(help: "Drill and target files.")
        var files: [String]

        @Option(name: .shortAndLong, help: "Also check every drill against this target file.")
        var target: String?

        @OptionGroup var variables: VariableOptions

        func run() async throws {
            let given = variables.load()
            let report = FileValidation(files: files, target: target, variables: given.variables).validate()
            for line in report.lines { Terminal.out(line) }
            let diagnostics = given.diagnostics + report.diagnostics
            for diagnostic in diagnostics { Terminal.err(diagnostic.description) }
            let errors = diagnostics.count { $0.severity == .error }
            if errors > 0 {
                Terminal.err("gameday: \(errors) error\(errors == 1 ? "" : "s")")
                throw ExitCode(RunOutcome.invalid.exitCode)
            }
        }
    }
}
