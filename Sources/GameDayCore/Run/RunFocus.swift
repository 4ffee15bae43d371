import Synchronization

/// The run's fine probing around the two moments the RTO is measured between, each started once:
/// just before the first fault's effecting action (once it is stamped), the users expected to fail,
/// each until its first failed probe (`detect`); just before the cut-over is sent, the users that must recover, each until
/// a probe succeeds on the unit it moves to, the condition recovery counts (`recovered`). Every other
/// user, and these outside the moments, are probed at the base interval: the cost is a few users for
/// a few seconds, not everyone all the time.
final class RunFocus: Sendable {
    private let probes: any RunningProbes
    private let interval: Duration
    private let failing: [String]
    private let recovering: [TestUser]
    private enum Moment { case fault, cutover }
    private let started = Mutex<Set<Moment>>([])

    /// Nil when the drill's probes are not focused (`probe.focus_interval: off`, or no finer than
    /// the probe interval).
    init?(_ drill: Drill, probes: any RunningProbes) {
        guard let interval = drill.probe.fineInterval else { return nil }
        self.probes = probes
        self.interval = interval
        failing = drill.users.filter { $0.impact == .fail }.map(\.id)
        recovering = drill.users.filter { $0.impact == .fail || $0.recoversOn != nil }
    }

    /// At the fault, stamped at `at`: the users expected to fail, each until a probe sent since `at`
    /// has failed (what `detect` counts: a probe sent before the stamp that fails because its answer
    /// came after the fault does not), at most `within` (the observe timeout) from `at`.
    func fault(at: Duration, within: Duration) {
        guard !failing.isEmpty, first(.fault) else { return }
        probes.focus(
            ProbeFocus(users: failing, interval: interval, deadline: at + within) { _, sample in
                !sample.ok && sample.sentAt >= at
            })
    }

    /// At the cut-over: the users that must recover, each until a probe succeeds on the unit it
    /// recovers on (any unit when it names none), at most until `deadline` (the recovery's).
    func cutover(until deadline: Duration) {
        guard !recovering.isEmpty, first(.cutover) else { return }
        let units = Dictionary(recovering.map { ($0.id, $0.recoversOn) }, uniquingKeysWith: { first, _ in first })
        probes.focus(
            ProbeFocus(users: recovering.map(\.id), interval: interval, deadline: deadline) { user, sample in
                ImpactTracker.recovers(sample, on: units[user] ?? nil)
            })
    }

    /// Whether `moment` starts now: true the first time only.
    private func first(_ moment: Moment) -> Bool { started.withLock { $0.insert(moment).inserted } }
}
