import ArgumentParser

/// The `gameday` command: rehearse a unit failure and measure the cut-over.
public struct GameDay: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gameday",
        abstract: "Rehearse a data-center (unit) failure and measure the cut-over: RTO, blast radius, rollback.",
        version: GameDayVersion.current,
        subcommands: [
            Init.self,
            Run.self, Plan.self, Validate.self, Report.self, History.self, Status.self, Recover.self, Lab.self,
            WatchdogCommand.self, DelayerCommand.self, MeasureConnectCommand.self,
        ]
    )

    public init() {}

    /// The program's entry: `gameday run …` catches Ctrl-C and SIGTERM before anything else runs
    /// (even before its arguments are read), so that an interrupt at any instant is the run's to
    /// handle: it reverts what it did and exits 4. Every other command keeps the default actions.
    public static func start(arguments: [String] = CommandLine.arguments) async {
        if arguments.dropFirst().first == "run" { InterruptSignals.shared.install() }
        await main()
    }
}
