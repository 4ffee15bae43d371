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

                Cut-over decision: with cutover.trigger prompt, the operator confirms on the terminal once the \
                observe phase has ended (refused in preflight, exit 3, when stdin is not a terminal, unless \
                --assume-yes); with external, a file (--cutover-file) or POST http://127.0.0.1:<port>/cutover \
                (--cutover-port) decides. Declining, or no answer within trigger_timeout, aborts the run (exit 4) \
                after every fault is reverted.

                Notifications and hooks: the target's notify: and --notify webhooks hear of the start, an early \
                stop, the cut-over and the end (a webhook that fails is a warning); hooks: of the target and the \
                drill run before and after phases, their output in the archive's hooks/ folder; a hook with \
                on_failure: abort that fails before inject stops the run (exit 3) with nothing applied.
                """)

        @OptionGroup var files: DrillFileOptions
        @OptionGroup var state: StateOptions
        @OptionGroup(title: "Cut-over decision") var decision: CutoverDecisionOptions

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
            help: ArgumentHelp(
                "Also POST the run's start, early stop, cut-over and end to this webhook (repeatable); "
                    + "'slack:URL' sends Slack's body. A URL that is a secret belongs in the target's notify: "
                    + "with url: { env: NAME }, not on a command line.",
                valueName: "url"))
        var notify: [String] = []

        @OptionGroup var watchdog: WatchdogOptions

        var watchdogTimeout: Duration { watchdog.watchdogTimeout }

        /// `--notify URL` (the generic JSON body) or `--notify slack:URL`.
        static func webhook(_ argument: String) -> Webhook? {
            let slack = argument.hasPrefix("slack:")
            let url = slack ? String(argument.dropFirst("slack:".count)) : argument
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return nil }
            return Webhook(address: .url(url), format: slack ? .slack : .json)
        }

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
            for url in notify where Self.webhook(url) == nil {
                throw ValidationError(
                    "--notify takes a webhook's http:// or https:// URL, or slack:URL for Slack's body, not '\(Webhook.redacted(url))'"
                )
            }
            if let pushgateway, !(pushgateway.hasPrefix("http://") || pushgateway.hasPrefix("https://")) {
                throw ValidationError(
                    "--pushgateway takes the Pushgateway's http:// or https:// address, e.g. http://localhost:9091, not '\(pushgateway)'"
                )
            }
        }

        func run() async throws {
            var settings = DrillSession.Settings(
                output: output, stateDirectory: state.path, watchdogTimeout: watchdogTimeout)
            settings.rawSamples = rawSamples
            settings.junitPath = junit
            settings.html = !noHTML
            settings.metricsFile = metricsFile
            settings.pushgateway = pushgateway
            settings.notify = notify.compactMap(Self.webhook)
            if DrillLoader.kind(ofFileAt: files.drill, from: LocalFileSystem()) == .gameDay {
                throw ExitCode(try await runGameDay(settings: settings))
            }
            let loaded = try LoadedDrill.load(files)
            settings.decisions = try decision.source(for: loaded.drill)
            settings.variables = loaded.variables.shown
            let service = RunService(
                session: DrillSession(drill: loaded.drill, target: loaded.target, settings: settings),
                presentation: RunService.Presentation(
                    verbosity: quiet ? .quiet : verbose ? .verbose : .normal, json: json))
            let code = await service.execute()
            throw ExitCode(code)
        }
    }
}
