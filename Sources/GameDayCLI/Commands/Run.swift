import ArgumentParser
import GameDayCore

extension GameDay {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a drill against a target: inject, cut over, measure the RTO, roll back, archive.",
            discussion: """
                Exit codes: 0 every verdict passed; 1 a verdict failed; 2 the drill or target is invalid; \
                3 the run could not start or go on (unreachable, process missing, fault not in effect, faults of \
                an earlier run still applied, another drill running); 4 interrupted (Ctrl-C, SIGTERM), after every \
                fault was reverted.
                """)

        @OptionGroup var files: DrillFileOptions
        @OptionGroup var state: StateOptions

        @Option(help: "Where results are archived: <output>/<drill>/<UTC time>-<run id>/result.json.")
        var output = "results"

        @Option(
            name: .customLong("watchdog-timeout"),
            help: "Revert a fault when the runner has shown no sign of life for this long (its dead-man's switch).",
            transform: { text in
                guard let duration = DurationText.parse(text), duration > .zero else {
                    throw ValidationError("--watchdog-timeout takes a duration such as 10s, not '\(text)'")
                }
                return duration
            })
        var watchdogTimeout: Duration = .seconds(10)

        @Flag(help: "Print only problems and the summary.")
        var quiet = false

        @Flag(
            name: .customLong("raw-samples"),
            help: "Also archive every probe sample, one JSON object per line, as samples.ndjson beside result.json.")
        var rawSamples = false

        func run() async throws {
            let loaded = try LoadedDrill.load(files)
            let service = RunService(
                drill: loaded.drill, target: loaded.target, output: output, quiet: quiet, stateDirectory: state.path,
                watchdogTimeout: watchdogTimeout, rawSamples: rawSamples)
            let code = await service.execute()
            throw ExitCode(code)
        }
    }
}
