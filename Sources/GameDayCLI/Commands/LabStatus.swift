import ArgumentParser
import Foundation
import GameDayLab

extension GameDay.Lab {
    /// `gameday lab status`: every service and its health; exit 0 only when all are up.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show every lab service with its pid, port and health; exit 1 unless all are up.")

        @OptionGroup var location: LabRunDirectoryOptions

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        func run() async throws {
            let report = try await LabSupervisor(runDirectory: location.runDirectory).status()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(LabStatusTable.unitsLine(report))
                print(LabStatusTable.render(report.services))
                for line in LabStatusTable.prometheusLines(report) { print(line) }
            }
            if !report.allHealthy { throw ExitCode(1) }
        }
    }
}
