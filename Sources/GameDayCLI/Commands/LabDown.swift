import ArgumentParser
import GameDayLab

extension GameDay.Lab {
    /// `gameday lab down`: stop every service of the lab. Succeeds when nothing runs.
    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "down",
            abstract:
                "Stop every lab service (SIGTERM, then SIGKILL after 3 s), remove the pid files and the lab's network namespaces."
        )

        @OptionGroup var location: LabRunDirectoryOptions

        func run() async throws {
            let supervisor = LabSupervisor(runDirectory: location.runDirectory)
            let report = await supervisor.down()
            if report.stopped.isEmpty && report.removedNetwork.isEmpty {
                print("No lab service was running in \(supervisor.paths.root).")
                return
            }
            for stopped in report.stopped {
                print("stopped \(stopped.name) (pid \(stopped.pid))\(stopped.killed ? " with SIGKILL" : "")")
            }
            for removed in report.removedNetwork {
                print("removed \(removed)")
            }
        }
    }
}
