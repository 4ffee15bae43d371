import ArgumentParser
import GameDayLab

extension GameDay.Lab {
    /// `gameday lab companion`: runs a program the lab needs (Prometheus, its Pushgateway) as its
    /// child, tied to the lab's life. `lab up --prometheus` starts these; people never do.
    ///
    /// Not async, like `lab supervise`: it blocks in `waitpid` on the main thread, the thread whose
    /// end the program's parent-death signal follows.
    struct Companion: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "companion", abstract: "Run a program as a lab process that stops with the lab.",
            shouldDisplay: false)

        @Option(help: "Its name, e.g. prometheus: its pid file and log are named after it.")
        var name: String
        @Option(name: .customLong("run-dir")) var runDirectory: String
        @Option(help: ArgumentHelp("Stop the program once this process is gone.", valueName: "pid"))
        var tiedTo: Int32?
        @Argument(parsing: .postTerminator, help: "The program's absolute path and arguments.")
        var program: [String] = []

        func validate() throws {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                throw ValidationError("--name takes a name of lowercase letters, digits and hyphens, not '\(name)'")
            }
            guard let first = program.first, first.hasPrefix("/") else {
                throw ValidationError("give the program's absolute path and arguments after '--'")
            }
            if let tiedTo, tiedTo <= 0 { throw ValidationError("--tied-to must be a process id, not \(tiedTo)") }
        }

        func run() throws {
            let companion = LabCompanion(name: name, runDirectory: runDirectory, program: program, tiedTo: tiedTo)
            let code = try companion.run()
            if code != 0 { throw ExitCode(code) }
        }
    }
}
