import Synchronization

/// The instant a fault takes effect, `T_fault` in the design: stamped immediately before the
/// effecting action itself (the signal sent, the rule committed, the toxic set, the qdisc
/// changed), after every lookup, guard, ledger write and watchdog spawn. A driver runs exactly
/// that action through `effect(_:)`; everything before it is preparation, reported on its own.
///
/// On several hosts or pods at once the earliest start counts, and the earliest successful return
/// closes the bracket: the first effect lies between `at` and `returned`.
public final class FaultMoment: Sendable {
    /// When the effecting action started and when the first one returned without an error.
    public struct Stamp: Sendable, Hashable {
        public var at: Duration
        /// Nil when no effecting action returned successfully.
        public var returned: Duration?

        public init(at: Duration, returned: Duration?) {
            self.at = at
            self.returned = returned
        }

        /// How long the effecting action itself took: the uncertainty of `at` against the true effect.
        public var duration: Duration? { returned.map { $0 - at } }
    }

    private let stampNow: @Sendable () -> Duration
    private let now: @Sendable () -> Duration
    private let state = Mutex<Stamp?>(nil)

    /// - Parameters:
    ///   - clock: the run's clock, for the end of the bracket.
    ///   - stamp: takes the start of the effecting action on the run's clock; the runner marks its
    ///     sample store here, under the store's lock, so every probe is judged against this instant.
    public init(clock: any RunClock, stamp: @escaping @Sendable () -> Duration) {
        self.stampNow = stamp
        self.now = { clock.now() }
    }

    /// A moment no run observes: for a driver used on its own (tests, benches).
    public convenience init(clock: any RunClock = ContinuousRunClock()) {
        self.init(clock: clock, stamp: { clock.now() })
    }

    /// What was stamped, if an effecting action ran.
    public var stamp: Stamp? { state.withLock { $0 } }

    /// Runs the effecting action, stamping the instant immediately before it and the instant it returned.
    public func effect<T, Failure: Error>(_ action: () async throws(Failure) -> T) async throws(Failure) -> T {
        let at = stampNow()
        state.withLock { stamp in
            if let earlier = stamp?.at, earlier <= at { return }
            stamp = Stamp(at: at, returned: stamp?.returned)
        }
        let result = try await action()
        let returned = now()
        state.withLock { stamp in
            if let earlier = stamp?.returned, earlier <= returned { return }
            stamp?.returned = returned
        }
        return result
    }
}
