/// Receives finished probes from a probe engine. Called from any thread, possibly at once from
/// several; samples of one user may arrive out of send order (a slow answer overtaken by a fast one).
public protocol ProbeSink: Sendable {
    /// A finished probe of `user`. `sequence` counts the user's probes actually sent, from 0, in
    /// send order, with no gaps: the sink can put late answers back in order with it.
    func deliver(_ sample: ProbeSample, user: String, sequence: Int)
    /// A slot of `user` due at `scheduled` was not sent: the user already had `ProbeSpec.maxInFlight`
    /// probes in flight. Skipped slots consume no sequence number.
    func skipped(user: String, scheduled: Duration)
}

/// A probe engine at work: probing every test user at a fixed rate until stopped.
public protocol RunningProbes: Sendable {
    /// Stops sending new probes and waits until every probe in flight has been delivered
    /// (answered, failed or timed out).
    func stop() async
    /// Probes `focus.users` at `focus.interval` (finer than the base interval) from now, each until
    /// `focus.ends` says so for one of its samples or until `focus.deadline`, then at the base
    /// interval again. While a user is focused its base slots are not sent (the fine ones cover
    /// them); the in-flight bound still holds. Samples sent at the fine interval carry
    /// `ProbeSample.focused`. A user already focused takes the newer focus. Returns at once.
    func focus(_ focus: ProbeFocus)
}

/// A spell of fine probing for a few users around a moment that needs resolution: the fault (until
/// each user expected to fail has failed) or the cut-over (until each moved user is served by its
/// new unit). See `RunningProbes.focus(_:)`.
public struct ProbeFocus: Sendable {
    /// The ids of the users to probe finely; users the engine does not probe are ignored.
    public var users: [String]
    public var interval: Duration
    /// The run-clock instant after which every user of this focus is back at the base interval.
    public var deadline: Duration
    /// Called with each focused sample of a user, on the engine's thread: true ends that user's focus.
    public var ends: @Sendable (_ user: String, _ sample: ProbeSample) -> Bool

    public init(
        users: [String], interval: Duration, deadline: Duration,
        ends: @escaping @Sendable (_ user: String, _ sample: ProbeSample) -> Bool
    ) {
        self.users = users
        self.interval = interval
        self.deadline = deadline
        self.ends = ends
    }
}

/// Starts probe engines. Open loop: the k-th probe of a user is due at `start + k × interval`
/// whatever earlier probes do, so a slow answer never hides the time it was slow for; at most
/// `prober.spec.maxInFlight` probes per user are in flight, a slot beyond that is skipped.
///
/// Each sample's `sentAt` is the run clock when the request left, `lag` is how late that was
/// against its slot, and the sample is judged by `prober` (`Prober.sample(...)`).
public protocol ProbeLauncher: Sendable {
    func start(users: [TestUser], prober: Prober, clock: any RunClock, sink: any ProbeSink) -> any RunningProbes
}

/// Hands every delivery to several sinks in turn (the run's store and a raw-sample file, say).
public struct TeeProbeSink: ProbeSink {
    public let sinks: [any ProbeSink]

    public init(_ sinks: [any ProbeSink]) { self.sinks = sinks }

    public func deliver(_ sample: ProbeSample, user: String, sequence: Int) {
        for sink in sinks { sink.deliver(sample, user: user, sequence: sequence) }
    }

    public func skipped(user: String, scheduled: Duration) {
        for sink in sinks { sink.skipped(user: user, scheduled: scheduled) }
    }
}
