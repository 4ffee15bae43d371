import ArgumentParser
import GameDayCore
import GameDayRuntime

extension GameDay {
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List archived runs, newest first, and each drill's RTO trend across game days.",
            discussion: """
                Reads <dir>/<drill>/<run>/result.json (a DIR may also be a drill's directory, one run's directory \
                or a result.json), schema versions 1 and 2. Each run: when (UTC), drill, outcome, RTO and RPO \
                against their goals (marked 'missed'), time to detect, time to cut over, run id, failed verdicts. \
                Each drill's trend: its RTOs oldest → newest as a sparkline ('·' for a run without an RTO), \
                last/min/median/max, and the last against the median of the ones before: worse or better when it \
                moved by more than 10% and more than one probe interval, else steady. Archives that cannot be \
                read are listed on stderr after the tables, with the reason.

                --json prints one document: {"runs": [{path, schema_version, run_id, drill, target, started_at, \
                outcome, exit_code, reason, failed_verdicts, rto: {goal_ms, measured_ms, met}, rpo: {goal_ms, \
                observed_ms, met, lost}, detect_ms, cutover_ms, archive}], "trends": [{drill, runs, measured, \
                rto_ms: {last, min, median, max, previous_median}, change_ms, direction, sparkline}], \
                "unreadable": [{path, reason}]}. Runs are newest first, trends by drill; every member is present, \
                null when unknown (rto and rpo when the run had none, direction with fewer than two RTOs, \
                archive before schema version 2). Durations are milliseconds.

                --metrics prints the runs in the OpenMetrics text format, the metrics of 'run --metrics-file' with \
                each sample stamped with its run's start and a final '# EOF', for \
                'promtool tsdb create-blocks-from openmetrics FILE DIR'.

                Exit codes: 0 runs were read (even if some archives were not), or there was nothing to read; \
                1 archives were found but none could be read; 2 a DIR does not exist.
                """)

        @Argument(help: "Results directories, drill or run directories, or result.json files.")
        var paths: [String] = ["results"]

        @Option(help: "Only this drill's runs.")
        var drill: String?

        @Option(help: "Only the N newest runs of each drill (the trend too).")
        var limit: Int?

        @Flag(help: "Print the history as one JSON document (see above).")
        var json = false

        @Flag(help: "Print the runs' metrics in the OpenMetrics text format, timestamped, for a Prometheus backfill.")
        var metrics = false

        func validate() throws {
            if json && metrics { throw ValidationError("--json and --metrics cannot be used together") }
            if let limit, limit < 1 { throw ValidationError("--limit takes a number of runs from 1 up, not \(limit)") }
        }

        func run() async throws {
            let history: RunHistory
            do {
                history = try RunHistory.read(paths, drill: drill, limit: limit)
            } catch {
                Terminal.err("gameday: \(error.localizedDescription)")
                throw ExitCode(RunOutcome.invalid.exitCode)
            }
            if metrics {
                let (exposed, unreadable) = history.metrics()
                // The exposition ends in a line feed of its own.
                Terminal.out(String(OpenMetricsExposition.render(exposed).dropLast()))
                var listed = history
                listed.unreadable = unreadable
                for line in HistoryTable.unreadableLines(listed) { Terminal.err(line) }
                if exposed.isEmpty && !unreadable.isEmpty { throw ExitCode(1) }
                return
            }
            if json {
                Terminal.out(try history.jsonText())
            } else {
                for line in HistoryTable.lines(history, under: paths) { Terminal.out(line) }
                let gameDays = GameDayHistory.read(paths)
                for line in GameDayHistory.lines(gameDays.entries) { Terminal.out(line) }
                for line in HistoryTable.unreadableLines(history) { Terminal.err(line) }
                for (path, reason) in gameDays.unreadable { Terminal.err("gameday: \(path): \(reason)") }
            }
            if history.exitCode != 0 { throw ExitCode(history.exitCode) }
        }
    }
}
