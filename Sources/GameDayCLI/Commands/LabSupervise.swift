import ArgumentParser
import GameDayLab

extension GameDay.Lab {
    /// `gameday lab supervise`: starts one lab server as its child and logs every change of its state
    /// to `D/services.jsonl` until it exits. `lab up` and `restart-service` start these; people never do.
    ///
    /// A command of its own rather than a flag on `lab serve`: a supervisor serves nothing, and its
    /// command line must not pass for a server's, which the lab (`lab down`, `lab status`) and
    /// target files' `cmdline:` locators find by `lab serve`. So the server's flags follow `--`,
    /// without those two words.
    ///
    /// Not async: it blocks in `waitid` on the main thread for its whole life, and has nothing else
    /// to do there.
    struct Supervise: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "supervise", abstract: "Run one lab service as a child and log when it stops.",
            shouldDisplay: false)

        @Option(help: "The service, e.g. beijing-product: its pid file and log are named after it.")
        var service: String
        @Option(name: .customLong("run-dir")) var runDirectory: String
        @Argument(parsing: .postTerminator, help: "The server's flags, as 'lab serve' takes them.")
        var serveArguments: [String] = []

        func validate() throws {
            // It names files and is written unescaped into services.jsonl: the lab's own names only.
            guard !service.isEmpty, service.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
            else {
                throw ValidationError("--service takes a lab service name such as beijing-product, not '\(service)'")
            }
            guard !serveArguments.isEmpty else {
                throw ValidationError("give the server's flags after '--', e.g. -- --role product --unit beijing ...")
            }
        }

        func run() throws {
            let supervisor = ServiceSupervisor(
                service: service, runDirectory: runDirectory, serveArguments: serveArguments)
            let code = try supervisor.run()
            if code != 0 { throw ExitCode(code) }
        }
    }
}
