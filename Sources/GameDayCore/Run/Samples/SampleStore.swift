import Synchronization

/// Every probe of the run, folded as it arrives into what the runner and the report need:
/// per user a run-length timeline, the impact and blast-radius trackers and the last failure; per
/// user group success buckets and streaming timing aggregates per phase. Nothing grows with the
/// number of samples except the timelines (one segment per change of outcome or unit), so 1,000
/// users at 10 Hz for 10 minutes fit in a few megabytes. Raw samples go to `raw` when asked.
///
/// Answers may arrive out of order; each user's samples are folded in send order (by sequence).
/// Marks (the first fault, the revert) are stamped under the store's lock, so every sample folded
/// before a mark was sent before it, and every sample sent after it is judged against it.
public final class SampleStore: ProbeSink {
    /// The most timeline segments kept per user; beyond that a flapping user's timeline is cut short
    /// (counted in `truncatedSamples`; the raw samples file has everything).
    public static let segmentLimit = 5_000
    public let groups: [String]
    /// The width of a group timeline bucket.
    public let bucket: Duration
    private let reporter: any RunReporter
    private let raw: (any ProbeSink)?
    private let state: Mutex<State>

    /// - Parameters:
    ///   - home: each user's home unit (a steady-state probe served elsewhere is a problem).
    ///   - recovery: the sustained-success window of recovery.
    ///   - guardrail: the blast-radius window of users expected to be unaffected.
    public init(
        users: [TestUser], home: (TestUser) -> String?, recovery: SuccessWindow, guardrail: SuccessWindow,
        bucket: Duration, reporter: any RunReporter, raw: (any ProbeSink)? = nil
    ) {
        var groups: [String] = []
        var groupIndex: [String: Int] = [:]
        var tracks: [UserTrack] = []
        var index: [String: Int] = [:]
        for user in users {
            let name = user.groupName
            let group = groupIndex[name] ?? groups.count
            if group == groups.count {
                groups.append(name)
                groupIndex[name] = group
            }
            index[user.id] = tracks.count
            tracks.append(UserTrack(user: user, home: home(user), group: group))
        }
        self.groups = groups
        self.bucket = max(bucket, .milliseconds(1))
        self.reporter = reporter
        self.raw = raw
        state = Mutex(
            State(
                tracks: tracks, index: index, recovery: recovery, guardrail: guardrail,
                groups: Array(repeating: GroupTrack(), count: groups.count)))
    }

    // MARK: - ProbeSink

    public func deliver(_ sample: ProbeSample, user: String, sequence: Int) {
        let changed = state.withLock { state in state.deliver(sample, user: user, sequence: sequence, bucket: bucket) }
        for (user, sample) in changed { reporter.report(.userChanged(user, sample)) }
        raw?.deliver(sample, user: user, sequence: sequence)
    }

    public func skipped(user: String, scheduled: Duration) {
        state.withLock { $0.skip(user: user, at: scheduled) }
        raw?.skipped(user: user, scheduled: scheduled)
    }

    // MARK: - Marks, stamped under the lock

    /// Marks the first fault now and returns the time; impact and blast radius count from it.
    public func markFault(_ clock: any RunClock) -> Duration {
        state.withLock { state in
            let at = clock.now()
            state.markFault(at)
            return at
        }
    }

    /// Marks every fault reverted now and returns the time; later samples are not impact.
    public func markReverted(_ clock: any RunClock) -> Duration {
        state.withLock { state in
            let at = clock.now()
            state.markReverted(at)
            return at
        }
    }

    /// Starts a phase now (timings are aggregated per phase) and returns the time.
    public func beginPhase(_ phase: RunPhase, _ clock: any RunClock) -> Duration {
        state.withLock { state in
            let at = clock.now()
            state.phases.append((phase, at))
            return at
        }
    }

    // MARK: - Checks while the run goes on

    /// Why the probes sent since `from` are not a healthy steady state (every user answered, none
    /// failed, each served by its home unit), or nil.
    public func steadyProblem(since from: Duration) -> String? {
        state.withLock { state in
            for track in state.tracks {
                let id = track.user.id
                guard let last = track.lastSent, last >= from else {
                    return "user \(id) got no answer to any probe"
                }
                if let bad = track.lastFailed, bad.sentAt >= from {
                    return "user \(id) failed at \(DrillRunner.ms(bad.sentAt)) (\(bad.failure ?? "failed"))"
                }
                if let stray = track.lastStray, stray.sentAt >= from {
                    return "user \(id) was served by \(stray.unit ?? "no unit") instead of \(track.home ?? "no unit")"
                }
            }
            return nil
        }
    }

    /// Every user has an answered probe sent at or after `since`.
    public func everyUserAnswered(since: Duration) -> Bool {
        state.withLock { state in state.tracks.allSatisfy { track in track.lastSent.map { $0 >= since } ?? false } }
    }

    /// The blast-radius guardrail: why it tripped (a user expected unaffected failed k of its last n
    /// probes since the first fault), or nil.
    public func blastRadiusBreach() -> String? {
        state.withLock { state in
            for track in state.tracks where track.user.impact == .none {
                guard let window = track.guardWindow, let trip = window.trip, let first = window.first else { continue }
                let user = track.user
                return
                    "user \(user.id) (\(user.name)), expected unaffected, failed \(trip.failures) of its last \(trip.seen) probes up to \(DrillRunner.ms(trip.at.sentAt)) (\(trip.at.failure ?? "failed")); its first failure since the fault was at \(DrillRunner.ms(first.sentAt))"
            }
            return nil
        }
    }

    /// Every user expected to fail has failed since the first fault.
    public func allExpectedFailuresSeen() -> Bool {
        state.withLock { state in
            state.tracks.allSatisfy { $0.user.impact != .fail || $0.impact?.impact.firstFailure != nil }
        }
    }

    /// Every user that must recover (expected to fail, or moved by the cut-over) has: a user that
    /// failed has a complete sustained-success window, and a user expected to fail has failed.
    public func allRecovered() -> Bool {
        state.withLock { state in
            state.tracks.allSatisfy { track in
                let user = track.user
                guard user.impact == .fail || user.recoversOn != nil else { return true }
                let impact = track.impact?.impact ?? UserImpact()
                if impact.firstFailure != nil { return impact.confirmed != nil }
                return user.impact != .fail
            }
        }
    }

    // MARK: - Live status

    /// Each group's probes sent in the last `span` before `now`: successes, failures, and the units
    /// that answered. For the terminal's live status; reads only the last few buckets.
    public func live(now: Duration, span: Duration) -> LiveStatus {
        state.withLock { state in
            let slots = GroupBuckets.slot(now - span, width: bucket)...GroupBuckets.slot(now, width: bucket)
            let groups = zip(self.groups, state.groups).map { name, group in
                var live = LiveStatus.Group(name: name)
                group.buckets.count(slots, into: &live, unitNames: state.unitNames)
                return live
            }
            return LiveStatus(phase: state.phases.last?.phase, elapsed: now, groups: groups)
        }
    }

    // MARK: - The report

    /// What the report reads at the end of the run.
    public func snapshot() -> SampleSnapshot {
        state.withLock { state in
            var users: [String: SampleSnapshot.User] = [:]
            for track in state.tracks {
                users[track.user.id] = SampleSnapshot.User(
                    samples: track.count, skipped: track.skipped, focused: track.focused, segments: track.segments,
                    truncatedSamples: track.truncated, impact: track.impact?.impact,
                    failuresSinceFault: track.guardWindow?.failures ?? 0,
                    firstFailureSinceFault: track.guardWindow?.first)
            }
            let phases = state.phases.map(\.phase)
            let groups = zip(self.groups, state.groups).map { name, group in
                SampleSnapshot.Group(
                    name: name,
                    timings: group.aggregates.keys.sorted().map { phase in
                        PhaseTimings(
                            phase: phase < 0 ? nil : phases[phase],
                            timings: group.aggregates[phase]!.summary)
                    },
                    buckets: group.buckets.records(width: bucket, unitNames: state.unitNames))
            }
            return SampleSnapshot(users: users, groups: groups, bucketMs: bucket.milliseconds)
        }
    }
}
