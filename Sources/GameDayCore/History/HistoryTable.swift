import Foundation

/// `gameday history` for a person: the runs, newest first, then each drill's RTO trend.
public enum HistoryTable {
    /// The run table, a blank line and the trend table; or one line saying why there is nothing
    /// to list under `paths`.
    public static func lines(_ history: RunHistory, under paths: [String]) -> [String] {
        guard history.runs.isEmpty else { return runLines(history) + [""] + trendLines(history) }
        let under = paths.joined(separator: ", ")
        guard history.unreadable.isEmpty else { return ["no run under \(under) could be read"] }
        guard let drill = history.drill else { return ["no archived runs under \(under)"] }
        let hint = Suggestion.closest(to: drill, among: history.drillsRead).map { " (did you mean '\($0)'?)" } ?? ""
        let read = history.drillsRead.isEmpty ? "" : "; drills there: \(history.drillsRead.joined(separator: ", "))"
        return ["no runs of drill '\(drill)' under \(under)\(hint)\(read)"]
    }

    /// The runs as an aligned table; a missed goal is marked `missed`.
    public static func runLines(_ history: RunHistory) -> [String] {
        let header = [
            "WHEN (UTC)", "DRILL", "OUTCOME", "RTO (MEASURED / GOAL)", "RPO (OBSERVED / GOAL)", "DETECT", "CUT-OVER",
            "RUN", "FAILED / REASON",
        ]
        return TextTable(header: header, rows: history.runs.map(runRow)).lines
    }

    /// The trends as an aligned table: runs, the sparkline oldest → newest, and the direction.
    public static func trendLines(_ history: RunHistory) -> [String] {
        let header = ["DRILL", "RUNS", "RTO OLDEST→NEWEST", "LAST", "MIN", "MEDIAN", "MAX", "TREND"]
        let rows = history.trends.map { trend in
            [
                trend.drill, String(trend.runs), trend.sparkline, millis(trend.last), millis(trend.min),
                millis(trend.median), millis(trend.max), direction(trend),
            ]
        }
        return TextTable(header: header, rows: rows).lines
    }

    /// `could not read 2 archives:` and a line for each, path and reason; empty when all were read.
    public static func unreadableLines(_ history: RunHistory) -> [String] {
        guard !history.unreadable.isEmpty else { return [] }
        let count = history.unreadable.count
        return ["could not read \(count) archive\(count == 1 ? "" : "s"):"]
            + history.unreadable.map { "  \($0.path): \($0.reason)" }
    }

    // MARK: - Cells

    static func runRow(_ run: PastRun) -> [String] {
        let result = run.result
        let failed = result.failedVerdicts
        // A goal is missed when it was measured and not met, or its verdict failed (recovery that
        // never came); a run that stopped before the fault measured nothing and missed nothing, and
        // an interrupted run is marked aborted, never missed (archives before schema version 3 may
        // hold a failed recovery verdict the interrupt caused).
        let aborted = result.outcome == RunOutcome.aborted.rawValue
        let rtoMissed =
            !aborted && result.rto?.met == false && (result.rto?.measuredMs != nil || failed.contains("recovery"))
        let rpoMissed =
            !aborted && result.rpo?.met == false && (result.rpo?.observedMs != nil || failed.contains("rpo"))
        return [
            when(run.started), result.drill.name, result.outcome.uppercased(),
            measure(result.rto?.measuredMs, goal: result.rto?.goalMs, missed: rtoMissed, aborted: aborted),
            measure(result.rpo?.observedMs, goal: result.rpo?.goalMs, missed: rpoMissed, aborted: aborted),
            millis(result.rto?.detectMs), millis(result.cutoverMs), result.runId,
            (failed.isEmpty || aborted) && result.outcome != "pass"
                ? (result.reason ?? "") : failed.joined(separator: ", "),
        ]
    }

    /// `1.2s / 5s`, `6.1s / 5s missed`, `- / 5s`, `- / 5s aborted`; `-` when the run has no goal.
    static func measure(_ value: Double?, goal: Double?, missed: Bool, aborted: Bool = false) -> String {
        guard let goal else { return "-" }
        return "\(millis(value)) / \(millis(goal))" + (missed ? " missed" : aborted ? " aborted" : "")
    }

    /// `worse: +820ms against the median of the 3 before`, `steady: +12ms against the run before`.
    static func direction(_ trend: RTOTrend) -> String {
        guard let direction = trend.direction, let change = trend.change else {
            return trend.last == nil ? "no RTO measured" : "first RTO measured"
        }
        let before = trend.series.compactMap { $0 }.count - 1
        let signed = (change >= 0 ? "+" : "−") + millis(abs(change))
        let against = before == 1 ? "the run before" : "the median of the \(before) before"
        return "\(direction.rawValue): \(signed) against \(against)"
    }

    static func millis(_ value: Double?) -> String {
        value.map { DurationText.format(.secondsDouble($0 / 1000)) } ?? "-"
    }

    /// `2026-11-21 05:50:52`, in UTC.
    static func when(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return formatter.string(from: date)
    }
}
