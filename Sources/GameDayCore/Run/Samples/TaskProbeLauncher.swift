import Synchronization

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
    private let users: [String: UserProbes]
    private let prober: Prober
    private let clock: any RunClock
    private let sink: any ProbeSink
    /// The tasks of the focuses (one per focused user) and the number of the last `focus(_:)` call.
    private struct Focuses {
        var tasks: [Task<Void, Never>] = []
        var generation = 0
        /// Once stopped, a focus starts nothing.
        var stopped = false
    }
    private let focuses = Mutex(Focuses())

    init(users: [TestUser], prober: Prober, clock: any RunClock, sink: any ProbeSink) {
        let probes = users.map { UserProbes($0, limit: prober.spec.inFlightLimit) }
        self.users = Dictionary(probes.map { ($0.user.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.prober = prober
        self.clock = clock
        self.sink = sink
        // Detached: probing must go on while the rollback runs after a cancelled run.
        task = Task.detached {
            await withDiscardingTaskGroup { group in
                for user in probes {
                    group.addTask { await Self.loop(user, prober: prober, clock: clock, sink: sink) }
                }
            }
        }
    }

    /// Starts a task per focused user that probes it at the fine interval, from now, while its focus
    /// holds; the base loop leaves out the slots it covers.
    func focus(_ focus: ProbeFocus) {
        let targets = focus.users.compactMap { users[$0] }
        let (prober, clock, sink) = (prober, clock, sink)
        focuses.withLock { focuses in
            guard !focuses.stopped else { return }
            focuses.generation += 1
            let generation = focuses.generation
            for user in targets {
                user.start(UserProbes.Focus(generation: generation, deadline: focus.deadline, ends: focus.ends))
                focuses.tasks.append(
                    Task.detached {
                        await Self.focusLoop(
                            user, generation: generation, interval: focus.interval, prober: prober, clock: clock,
                            sink: sink)
                    })
            }
        }
    }

    func stop() async {
        let tasks = focuses.withLock { focuses in
            focuses.stopped = true
            return focuses.tasks
        }
        task.cancel()
        for focus in tasks { focus.cancel() }
        await task.value
        for focus in tasks { await focus.value }
    }

    // MARK: - Schedules

    /// The base schedule: a slot every `interval` from the start; a slot a focus covers is not sent.
    private static func loop(_ user: UserProbes, prober: Prober, clock: any RunClock, sink: any ProbeSink) async {
        let interval = prober.spec.interval
        var next = clock.now()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do { try await clock.sleep(until: next) } catch { break }
                if user.focused(at: clock.now()) {
                    // The fine slots cover it; it counts as skipped only when it would have been.
                    if user.full { sink.skipped(user: user.user.id, scheduled: next) }
                } else if let number = user.enter() {
                    let scheduled = next
                    group.addTask {
                        var sample = await prober.probe(user.user, clock: clock)
                        sample.lag = max(.zero, sample.sentAt - scheduled)
                        user.leave()
                        sink.deliver(sample, user: user.user.id, sequence: number)
                    }
                } else {
                    sink.skipped(user: user.user.id, scheduled: next)
                }
                next = Self.after(next, interval: interval, now: clock.now())
            }
        }
    }

    /// A focus's schedule: a slot every `interval` from now while the focus holds. A slot beyond the
    /// in-flight bound is left out without counting as skipped: the base slots it stands for count.
    private static func focusLoop(
        _ user: UserProbes, generation: Int, interval: Duration, prober: Prober, clock: any RunClock,
        sink: any ProbeSink
    ) async {
        var next = clock.now()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do { try await clock.sleep(until: next) } catch { break }
                guard user.holds(generation, at: clock.now()) else { break }
                if let number = user.enter() {
                    let scheduled = next
                    group.addTask {
                        var sample = await prober.probe(user.user, clock: clock)
                        sample.lag = max(.zero, sample.sentAt - scheduled)
                        sample.focused = true
                        user.leave()
                        // Judged before it is delivered: whoever sees it in the store sees its focus ended.
                        user.judge(sample, of: generation)
                        sink.deliver(sample, user: user.user.id, sequence: number)
                    }
                }
                next = Self.after(next, interval: interval, now: clock.now())
            }
        }
    }

    /// The slot after `slot`; after a stall (a suspended laptop, a starved machine) the missed slots
    /// are skipped rather than all fired at once.
    private static func after(_ slot: Duration, interval: Duration, now: Duration) -> Duration {
        let next = slot + interval
        return next + interval < now ? now : next
    }
}
