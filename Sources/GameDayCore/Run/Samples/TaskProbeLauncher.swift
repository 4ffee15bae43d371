/// A probe engine on Swift tasks over any `HTTPTransport`: one task per probe, so it works with
/// the in-memory fakes of the unit tests. The CLI probes with libcurl's multi interface instead
/// (`CurlMultiProbeLauncher` in GameDayRuntime).
public struct TaskProbeLauncher: ProbeLauncher {
    public init() {}

    public func start(users: [TestUser], prober: Prober, clock: any RunClock, sink: any ProbeSink) -> any RunningProbes
    {
        TaskProbes(users: users, prober: prober, clock: clock, sink: sink)
    }
}

private final class TaskProbes: RunningProbes {
    private let task: Task<Void, Never>

    init(users: [TestUser], prober: Prober, clock: any RunClock, sink: any ProbeSink) {
        // Detached: probing must go on while the rollback runs after a cancelled run.
        task = Task.detached {
            await withDiscardingTaskGroup { group in
                for user in users {
                    group.addTask { await Self.loop(user, prober: prober, clock: clock, sink: sink) }
                }
            }
        }
    }

    func focus(_ focus: ProbeFocus) {}  // PLACEHOLDER: the #19 helpers implement it

    func stop() async {
        task.cancel()
        await task.value
    }

    private static func loop(_ user: TestUser, prober: Prober, clock: any RunClock, sink: any ProbeSink) async {
        let interval = prober.spec.interval
        let limit = prober.spec.inFlightLimit
        let inFlight = InFlight()
        var next = clock.now()
        var sequence = 0
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do { try await clock.sleep(until: next) } catch { break }
                if await inFlight.enter(limit: limit) {
                    let number = sequence
                    sequence += 1
                    let scheduled = next
                    group.addTask {
                        var sample = await prober.probe(user, clock: clock)
                        sample.lag = max(.zero, sample.sentAt - scheduled)
                        await inFlight.leave()
                        sink.deliver(sample, user: user.id, sequence: number)
                    }
                } else {
                    sink.skipped(user: user.id, scheduled: next)
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

/// Probes of one user in flight.
private actor InFlight {
    private var count = 0

    func enter(limit: Int) -> Bool {
        guard count < limit else { return false }
        count += 1
        return true
    }

    func leave() { count -= 1 }
}
