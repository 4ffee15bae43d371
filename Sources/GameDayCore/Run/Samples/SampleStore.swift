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
    /// Samples a user may have waiting for an earlier one before the store stops waiting for it.
    static let reorderLimit = 4_096

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
        var index: [Int: Int] = [:]
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
                groups: Array(repeating: GroupState(), count: groups.count)))
    }

    // MARK: - ProbeSink

    public func deliver(_ sample: ProbeSample, user: Int, sequence: Int) {
        let changed = state.withLock { state in state.deliver(sample, user: user, sequence: sequence, bucket: bucket) }
        for (user, sample) in changed { reporter.report(.userChanged(user, sample)) }
        raw?.deliver(sample, user: user, sequence: sequence)
    }

    public func skipped(user: Int, scheduled: Duration) {
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
            let last = max(0, Int(now / bucket))
            let first = max(0, Int((now - span) / bucket))
            let groups = zip(self.groups, state.groups).map { name, group in
                var live = LiveStatus.Group(name: name)
                for slot in first...last where slot < group.buckets.count {
                    let bucket = group.buckets[slot]
                    live.ok += bucket.ok
                    live.failed += bucket.failed
                    for (unit, count) in bucket.units.enumerated() where count > 0 {
                        live.units[state.unitNames[unit], default: 0] += count
                    }
                }
                return live
            }
            return LiveStatus(phase: state.phases.last?.phase, elapsed: now, groups: groups)
        }
    }

    // MARK: - The report

    /// What the report reads at the end of the run.
    public func snapshot() -> SampleSnapshot {
        state.withLock { state in
            var users: [Int: SampleSnapshot.User] = [:]
            for track in state.tracks {
                users[track.user.id] = SampleSnapshot.User(
                    samples: track.count, skipped: track.skipped, segments: track.segments,
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
                    buckets: group.buckets.enumerated().compactMap { index, bucket in
                        bucket.ok + bucket.failed == 0
                            ? nil
                            : GroupBucket(
                                fromMs: (self.bucket * index).milliseconds, ok: bucket.ok, failed: bucket.failed,
                                units: Dictionary(
                                    uniqueKeysWithValues: bucket.units.enumerated().filter { $0.element > 0 }.map {
                                        (state.unitNames[$0.offset], $0.element)
                                    }))
                    })
            }
            return SampleSnapshot(users: users, groups: groups, bucketMs: bucket.milliseconds)
        }
    }
}

/// The run as it is now, for a live status line.
public struct LiveStatus: Sendable, Hashable {
    public struct Group: Sendable, Hashable {
        public var name: String
        public var ok = 0
        public var failed = 0
        /// Answers by serving unit.
        public var units: [String: Int] = [:]

        public init(name: String, ok: Int = 0, failed: Int = 0, units: [String: Int] = [:]) {
            self.name = name
            self.ok = ok
            self.failed = failed
            self.units = units
        }

        /// The unit that answered most, if any answered.
        public var unit: String? { units.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key }
    }

    /// Nil before the first phase began.
    public var phase: RunPhase?
    public var elapsed: Duration
    public var groups: [Group]

    public init(phase: RunPhase?, elapsed: Duration, groups: [Group]) {
        self.phase = phase
        self.elapsed = elapsed
        self.groups = groups
    }
}

/// What the store knew at the end of the run.
public struct SampleSnapshot: Sendable {
    public struct User: Sendable {
        public var samples: Int
        public var skipped: Int
        public var segments: [TimelineSegment]
        public var truncatedSamples: Int
        /// From the first fault; nil when no fault was applied.
        public var impact: UserImpact?
        public var failuresSinceFault: Int
        public var firstFailureSinceFault: ProbeSample?
    }

    public struct Group: Sendable {
        public var name: String
        public var timings: [PhaseTimings]
        public var buckets: [GroupBucket]
    }

    public var users: [Int: User]
    public var groups: [Group]
    public var bucketMs: Double
}

/// The timings of one group's probes sent during one phase.
public struct PhaseTimings: Sendable, Hashable, Codable {
    /// Nil for probes sent before the first phase began (`before-start` in the result).
    public var phase: RunPhase?
    public var timings: TimingSummary

    enum CodingKeys: String, CodingKey { case phase, timings }

    /// The result's name for the time before the first phase.
    static let beforeStart = "before-start"

    init(phase: RunPhase?, timings: TimingSummary) {
        self.phase = phase
        self.timings = timings
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .phase)
        if name == Self.beforeStart {
            phase = nil
        } else if let phase = RunPhase(rawValue: name) {
            self.phase = phase
        } else {
            throw DecodingError.dataCorruptedError(
                forKey: .phase, in: c, debugDescription: "'\(name)' is no phase of a run, nor \(Self.beforeStart)")
        }
        timings = try c.decode(TimingSummary.self, forKey: .timings)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phase?.rawValue ?? Self.beforeStart, forKey: .phase)
        try c.encode(timings, forKey: .timings)
    }
}

// MARK: - State under the lock

private struct UserTrack {
    let user: TestUser
    let home: String?
    let group: Int
    var next = 0
    var pending: [Int: ProbeSample] = [:]
    var count = 0
    var skipped = 0
    var lastSent: Duration?
    var lastFailed: ProbeSample?
    var lastStray: ProbeSample?
    var last: (ok: Bool, unit: String?)?
    var segments: [TimelineSegment] = []
    var truncated = 0
    var impact: ImpactTracker?
    var guardWindow: GuardWindow?

    init(user: TestUser, home: String?, group: Int) {
        self.user = user
        self.home = home
        self.group = group
    }
}

private struct GroupState {
    struct Bucket {
        var ok = 0
        var failed = 0
        var units: [Int] = []
    }

    /// By phase index (-1: before the first phase began).
    var aggregates: [Int: ProbeAggregate] = [:]
    var buckets: [Bucket] = []
}

private struct State {
    var tracks: [UserTrack]
    let index: [Int: Int]
    let recovery: SuccessWindow
    let guardrail: SuccessWindow
    var groups: [GroupState]
    var phases: [(phase: RunPhase, at: Duration)] = []
    var unitNames: [String] = []
    var unitIndex: [String: Int] = [:]
    var fault: Duration?
    var reverted: Duration?

    init(
        tracks: [UserTrack], index: [Int: Int], recovery: SuccessWindow, guardrail: SuccessWindow,
        groups: [GroupState]
    ) {
        self.tracks = tracks
        self.index = index
        self.recovery = recovery
        self.guardrail = guardrail
        self.groups = groups
    }

    /// Puts the sample in its place and folds every sample now in order; returns the users whose
    /// outcome or serving unit changed, with the sample that changed it.
    ///
    /// Everything is mutated in place: a copy of a track or group would copy its arrays per sample.
    mutating func deliver(_ sample: ProbeSample, user: Int, sequence: Int, bucket: Duration) -> [(
        TestUser, ProbeSample
    )] {
        guard let position = index[user] else { return [] }
        var changed: [(TestUser, ProbeSample)] = []
        if sequence == tracks[position].next {
            fold(sample, position: position, bucket: bucket, changed: &changed)
        } else if sequence > tracks[position].next {
            tracks[position].pending[sequence] = sample
            // An engine that lost a probe must not make the store wait for ever.
            if tracks[position].pending.count > SampleStore.reorderLimit,
                let first = tracks[position].pending.keys.min()
            {
                tracks[position].next = first
            }
        }
        while let waiting = tracks[position].pending.removeValue(forKey: tracks[position].next) {
            fold(waiting, position: position, bucket: bucket, changed: &changed)
        }
        return changed
    }

    private mutating func fold(
        _ sample: ProbeSample, position: Int, bucket: Duration, changed: inout [(TestUser, ProbeSample)]
    ) {
        let phase = phase(at: sample.sentAt)
        let unit = sample.unit.map { unitNumber($0) }
        let group = tracks[position].group
        Self.fold(sample, into: &tracks[position], fault: fault, changed: &changed)
        Self.fold(sample, into: &groups[group], phase: phase, unit: unit, bucket: bucket)
    }

    private static func fold(
        _ sample: ProbeSample, into track: inout UserTrack, fault: Duration?, changed: inout [(TestUser, ProbeSample)]
    ) {
        track.next += 1
        track.count += 1
        track.lastSent = max(track.lastSent ?? sample.sentAt, sample.sentAt)
        if !sample.ok {
            track.lastFailed = sample
        } else if sample.unit != track.home {
            track.lastStray = sample
        }
        if track.last.map({ $0.ok != sample.ok || $0.unit != sample.unit }) ?? true {
            changed.append((track.user, sample))
        }
        track.last = (sample.ok, sample.unit)
        if track.segments.count < SampleStore.segmentLimit || TimelineSegment.extends(track.segments, with: sample) {
            TimelineSegment.append(sample, to: &track.segments)
        } else {
            track.truncated += 1
        }
        track.impact?.feed(sample)
        if let fault, sample.sentAt >= fault { track.guardWindow?.feed(sample) }
    }

    /// The group's aggregates for the phase, and its timeline bucket.
    private static func fold(
        _ sample: ProbeSample, into group: inout GroupState, phase: Int, unit: Int?, bucket: Duration
    ) {
        group.aggregates[phase, default: ProbeAggregate()].add(sample)
        let slot = max(0, Int(sample.sentAt / bucket))
        guard slot < 1_000_000 else { return }
        if group.buckets.count <= slot {
            group.buckets.append(contentsOf: repeatElement(GroupState.Bucket(), count: slot - group.buckets.count + 1))
        }
        if sample.ok { group.buckets[slot].ok += 1 } else { group.buckets[slot].failed += 1 }
        if let unit {
            if group.buckets[slot].units.count <= unit {
                group.buckets[slot].units.append(
                    contentsOf: repeatElement(0, count: unit - group.buckets[slot].units.count + 1))
            }
            group.buckets[slot].units[unit] += 1
        }
    }

    mutating func skip(user: Int, at scheduled: Duration) {
        guard let position = index[user] else { return }
        tracks[position].skipped += 1
        groups[tracks[position].group].aggregates[phase(at: scheduled), default: ProbeAggregate()].skipped += 1
    }

    mutating func markFault(_ at: Duration) {
        guard fault == nil else { return }
        fault = at
        for position in tracks.indices {
            tracks[position].impact = ImpactTracker(
                from: at, window: recovery, recoveryUnit: tracks[position].user.recoversOn)
            tracks[position].guardWindow = GuardWindow(guardrail)
        }
    }

    mutating func markReverted(_ at: Duration) {
        reverted = at
        for position in tracks.indices { tracks[position].impact?.until = at }
    }

    /// The index of the phase in force at `time` (-1 before the first).
    private func phase(at time: Duration) -> Int {
        var index = phases.count - 1
        while index >= 0, phases[index].at > time { index -= 1 }
        return index
    }

    private mutating func unitNumber(_ unit: String) -> Int {
        if let number = unitIndex[unit] { return number }
        // Units are few; a misbehaving server naming a new one per answer must not grow this for ever.
        let name = unitNames.count < 63 ? unit : "other"
        if let number = unitIndex[name] { return number }
        unitNames.append(name)
        unitIndex[name] = unitNames.count - 1
        return unitNames.count - 1
    }
}
