import ArgumentParser
import Foundation
import GameDayCore
import GameDayRuntime

extension GameDay {
    /// Times TCP connects from here (the latency fault's proof; not for people to run).
    struct MeasureConnectCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "measure-connect", abstract: "Time TCP connects to an address and port, in milliseconds.",
            shouldDisplay: false)

        @Argument var host: String
        @Argument var port: UInt16
        /// Connects made at once.
        @Option var count = 3
        @Option(transform: DelayerCommand.duration) var timeout: Duration = .seconds(5)

        func run() async throws {
            for outcome in ConnectTimer.measure(host: host, port: port, count: max(1, count), timeout: timeout) {
                switch outcome {
                case .answered(let milliseconds, _): print(String(format: "%.3f", milliseconds))
                case .timedOut: print("timeout")
                case .failed(let reason): print("error: \(reason)")
                }
            }
        }
    }
}
