import ArgumentParser
import GameDayCore

/// How long the faults of a silent runner stay applied: `run`'s `--watchdog-timeout`, which `plan`
/// takes too, so that the lifetimes it prints (a pod's dead-man's switch) are the run's.
struct WatchdogOptions: ParsableArguments {
    @Option(
        name: .customLong("watchdog-timeout"),
        help: ArgumentHelp(
            "Revert a fault when the runner has shown no sign of life for this long (its dead-man's switch), "
                + "from 1s (the runner's heartbeat) to 1h.",
            valueName: "duration"),
        transform: { text in
            try DurationArgument.parse(text, for: "--watchdog-timeout", in: WatchdogOptions.timeouts, example: "10s")
        })
    var watchdogTimeout: Duration = .seconds(10)

    /// The runner beats every second: a shorter timeout would revert the faults of a live run.
    static let timeouts: ClosedRange<Duration> = .seconds(1) ... .seconds(3600)
}
