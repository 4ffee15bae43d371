import ArgumentParser

/// The `gameday` command: rehearse a unit failure and measure the cut-over.
public struct GameDay: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gameday",
        abstract: "Rehearse a data-center (unit) failure and measure the cut-over: RTO, blast radius, rollback.",
        version: GameDayVersion.current,
        subcommands: [
            Run.self, Plan.self, Validate.self, Report.self, History.self, Status.self, Recover.self, Lab.self,
            WatchdogCommand.self,
        ]
    )

    public init() {}
}

/// The version this build reports.
public enum GameDayVersion {
    public static let current = "0.1.0"
}
