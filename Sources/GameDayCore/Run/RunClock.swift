/// The runner's one clock: offsets from the start of the run, monotonic.
public protocol RunClock: Sendable {
    /// Time elapsed since the run began.
    func now() -> Duration
    /// Suspends until `deadline` (an offset from the run's start); throws when cancelled.
    func sleep(until deadline: Duration) async throws
}

extension RunClock {
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now() + duration)
    }
}

/// The real clock: `ContinuousClock` from the moment it is created.
public struct ContinuousRunClock: RunClock {
    private let origin: ContinuousClock.Instant

    public init() { origin = ContinuousClock.now }

    public func now() -> Duration { ContinuousClock.now - origin }

    public func sleep(until deadline: Duration) async throws {
        try await ContinuousClock().sleep(until: origin + deadline, tolerance: .milliseconds(1))
    }
}
