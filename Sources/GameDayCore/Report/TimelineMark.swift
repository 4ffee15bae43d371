/// A moment of the run drawn across the timeline as a labelled vertical line.
struct TimelineMark: Sendable, Hashable {
    /// A stable name, used as the line's class (`mark-fault`) so tests and stylesheets can find it.
    var kind: String
    var label: String
    var ms: Double
    var colour: String
    /// The wall-clock time, when the result has it.
    var at: String?

    /// The moments of `result`, in the order of the design's timeline; absent ones are left out.
    ///
    /// The timeline's marks come first; the fault and cut-over records fill in for results that
    /// lack them.
    static func marks(of result: RunResult) -> [TimelineMark] {
        let timeline = result.timeline
        let applied = result.faults.compactMap(\.appliedMs).min()
        let reverted = result.faults.compactMap(\.revertedMs).max()
        let candidates: [(String, String, TimelineMoment?, Double?, String)] = [
            ("fault", "fault applied", timeline.fault, applied, "#82071e"),
            ("detect", "first failure", timeline.detect, nil, "#bc4c00"),
            ("cutover-start", "cut-over start", timeline.cutoverStart, result.cutover?.startedMs, "#0550ae"),
            ("cutover-done", "cut-over done", timeline.cutoverDone, result.cutover?.doneMs, "#0550ae"),
            ("recovered", "recovered", timeline.recovered, nil, "#116329"),
            ("reverted", "faults reverted", timeline.reverted, reverted, "#424a53"),
            ("cutback-done", "cut-back done", nil, result.cutback?.doneMs, "#6639ba"),
        ]
        return candidates.compactMap { kind, label, moment, fallback, colour in
            guard let ms = moment?.ms ?? fallback else { return nil }
            return TimelineMark(kind: kind, label: label, ms: ms, colour: colour, at: moment?.at)
        }
    }

    /// The label as drawn: `fault applied +1.039s`.
    var caption: String { "\(label) \(ReportText.offset(ms))" }
}

extension RunResult {
    /// True when the run stopped before recovery could be judged (interrupted, an error, or the
    /// recovery verdict skipped): a missing RTO then means "not measured", not "not recovered".
    var endedBeforeRecovery: Bool {
        outcome == .aborted || outcome == .error || verdicts.contains { $0.name == "recovery" && $0.status == .skipped }
    }
}
