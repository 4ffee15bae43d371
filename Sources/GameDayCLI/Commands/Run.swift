import ArgumentParser
import GameDayCore
import GameDayRuntime

extension GameDay {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a drill against a target: inject, cut over, measure the RTO, roll back, archive.",
            discussion: """
                Exit codes: 0 every verdict passed; 1 a verdict failed; 2 the drill or target is invalid; \
                3 the run could not start or go on (unreachable, process missing, fault not in effect, faults of \
                an earlier run still applied, another drill running); 4 interrupted (Ctrl-C, SIGTERM), after every \
                fault was reverted.

                The archive: <output>/<drill>/<UTC time>-<run id>/ with result.json (schemas/result.schema.json), \
                junit.xml, report.html and, with --raw-samples, samples.ndjson. On a terminal a live status line \
                shows the phase and each user group's success rate and serving unit; colour only on a terminal and \
                never with NO_COLOR set.

                Metrics: --metrics-file writes the run's figures (RTO and its parts, RPO, lost writes, users \
                impacted, the outcome, start and duration) in the Prometheus text format for node_exporter's \
                textfile collector, atomically, for every run that started (a failed or interrupted one too); a \
                file that cannot be written makes a passing run exit 3, as --junit does. --pushgateway puts the \
                same to a Pushgateway under job/gameday/drill/<drill>/target/<target>; a push that fails is a \
                warning on stderr and the exit code stays the drill's own.
                """)

        @OptionGroup var files: DrillFileOptions
        @OptionGroup var state: StateOptions

        @Option(
            help: ArgumentHelp(
                "Where results are archived: <output>/<drill>/<UTC time>-<run id>/ holds result.json, junit.xml and report.html.",
                valueName: "dir"))
        var output = "results"

        @Flag(help: "Print the result (result.json) on stdout for scripts; the summary goes to stderr.")
        var json = false

        @Option(
            help: ArgumentHelp("Also write the JUnit XML file here (it is always in the archive).", valueName: "path"))
        var junit: String?

        @Flag(name: .customLong("no-html"), help: "Do not write report.html into the archive.")
        var noHTML = false

        @Option(
            name: .customLong("metrics-file"),
            help: ArgumentHelp(
                "Also write the run's metrics here in the Prometheus text format (a *.prom file for node_exporter's textfile collector).",
                valueName: "path"))
        var metricsFile: String?

        @Option(
            help: ArgumentHelp(
                "Also push the run's metrics to this Prometheus Pushgateway (http://host:9091).", valueName: "url"))
        var pushgateway: String?

        @Option(
            name: .customLong("watchdog-timeout"),
            help: ArgumentHelp(
                "Revert a fault when the runner has shown no sign of life for this long (its dead-man's switch), "
                    + "from 1s (the runner's heartbeat) to 1h.",
                valueName: "duration"),
            transform: { text in
                try DurationArgument.parse(text, for: "--watchdog-timeout", in: Run.watchdogTimeouts, example: "10s")
            })
        var watchdogTimeout: Duration = .seconds(10)

        /// The runner beats every second: a shorter timeout would revert the faults of a live run.
        static let watchdogTimeouts: ClosedRange<Duration> = .seconds(1) ... .seconds(3600)

        @Flag(help: "Print only problems and the summary.")
        var quiet = false

        @Flag(help: "Print every user change, the commands run and each state of the cut-over.")
        var verbose = false

        @Flag(
            name: .customLong("raw-samples"),
            help: "Also archive every probe sample, one JSON object per line, as samples.ndjson beside result.json.")
        var rawSamples = false

        func validate() throws {
            if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
            if let pushgateway, !(pushgateway.hasPrefix("http://") || pushgateway.hasPrefix("https://")) {
                throw ValidationError(
                    "--pushgateway takes the Pushgateway's http:// or https:// address, e.g. http://localhost:9091, not '\(pushgateway)'"
                )
            }
        }

        func run() async throws {
            let loaded = try LoadedDrill.load(files)
            var settings = DrillSession.Settings(
                output: output, stateDirectory: state.path, watchdogTimeout: watchdogTimeout)
            settings.rawSamples = rawSamples
            settings.junitPath = junit
            settings.html = !noHTML
            settings.metricsFile = metricsFile
            settings.pushgateway = pushgateway
            let service = RunService(
                session: DrillSession(drill: loaded.drill, target: loaded.target, settings: settings),
                presentation: RunService.Presentation(
                    verbosity: quiet ? .quiet : verbose ? .verbose : .normal, json: json))
            let code = await service.execute()
            throw ExitCode(code)
        }
    }
}
