import ArgumentParser
import GameDayCore
import GameDayRuntime

extension GameDay {
    /// The dead-man's switch the runner leaves beside each fault (not for people to run).
    struct WatchdogCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "watchdog", abstract: "Revert a ledger entry when the runner's heartbeat stops.",
            shouldDisplay: false)

        @OptionGroup var state: StateOptions
        @Option var entry: String
        @Option var heartbeat: String
        @Option(transform: { text in
            try DurationArgument.parse(text, for: "--timeout", in: WatchdogOptions.timeouts, example: "10s")
        })
        var timeout: Duration
        @Option var deadline: Double
        @Option(name: .customLong("runner-pid")) var runnerPid: Int32

        func run() async throws {
            let watchdog = Watchdog(
                store: LedgerStore(stateDirectory: state.path), entry: entry, heartbeat: heartbeat, timeout: timeout,
                deadline: deadline, runnerPid: runnerPid)
            Terminal.err("watchdog \(entry): \(await watchdog.watch())")
        }
    }
}
