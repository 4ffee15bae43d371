import ArgumentParser
import GameDayLab

extension GameDay.Lab {
    /// `gameday lab restart-service`: start one service again (the revert of a kill fault).
    struct RestartService: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restart-service",
            abstract: "Start one lab service again with its port and options, and wait until it is healthy.")

        @OptionGroup var location: LabRunDirectoryOptions

        @Option(help: "The service, e.g. beijing-product, hangzhou-cart, gateway, control-plane.")
        var service: String

        func run() async throws {
            switch try await LabSupervisor(runDirectory: location.runDirectory).restart(service: service) {
            case .restarted(let started):
                print("restarted \(started.name) (pid \(started.pid), port \(started.port))")
            case .alreadyRunning(let running):
                print("\(running.name) is already running and healthy (pid \(running.pid))")
            }
        }
    }
}
