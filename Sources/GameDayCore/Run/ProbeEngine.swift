/// Probes every test user at a fixed rate until stopped.
///
/// Open loop: the next probe is due at `start + k × interval` whatever the
/// previous one does, so a slow answer never hides the time it was slow for.
public final class ProbeEngine: Sendable {
    public let store = SampleStore()
    private let users: [TestUser]
    private let prober: Prober
    private let clock: any RunClock
    private let reporter: any RunReporter
    private let task: Task<Void, Never>

    /// Starts probing at once.
    public init(users: [TestUser], prober: Prober, clock: any RunClock, reporter: any RunReporter) {
        self.users = users
        self.prober = prober
        self.clock = clock
        self.reporter = reporter
        let store = self.store
        // Detached: probing must go on while the rollback runs after a cancelled run.
        task = Task.detached {
            await withDiscardingTaskGroup { group in
                for user in users {
                    group.addTask {
                        await Self.loop(user, prober: prober, clock: clock, store: store, reporter: reporter)
                    }
                }
            }
        }
    }

    /// Stops probing and waits for probes in flight.
    public func stop() async {
        task.cancel()
        await task.value
    }

    private static func loop(
        _ user: TestUser, prober: Prober, clock: any RunClock, store: SampleStore, reporter: any RunReporter
    ) async {
        let interval = prober.spec.interval
        var next = clock.now()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do { try await clock.sleep(until: next) } catch { break }
                group.addTask {
                    let sample = await prober.probe(user, clock: clock)
                    if await store.record(sample, for: user.id) {
                        reporter.report(.userChanged(user, sample))
                    }
                }
                next += interval
                // After a stall (a suspended laptop, a starved machine) skip the missed slots
                // rather than firing them all at once.
                let now = clock.now()
                if next + interval < now { next = now }
            }
        }
    }
}
