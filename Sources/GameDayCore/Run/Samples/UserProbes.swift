import Synchronization

/// One user's probes in the task engine: the sequence numbers and the in-flight count that its base
/// schedule and a focus share, and the focus in force. Both schedules take their slots here, so the
/// user's sequence has no gaps and the in-flight bound holds across them.
final class UserProbes: Sendable {
    /// A focus in force: which `focus(_:)` call set it (a newer one replaces it), until when, and
    /// what ends it.
    struct Focus: Sendable {
        let generation: Int
        let deadline: Duration
        let ends: @Sendable (_ user: String, _ sample: ProbeSample) -> Bool
    }

    private struct State {
        var sequence = 0
        var inFlight = 0
        var focus: Focus?
    }

    let user: TestUser
    private let limit: Int
    private let state = Mutex(State())

    init(_ user: TestUser, limit: Int) {
        self.user = user
        self.limit = limit
    }

    /// Takes a slot: the probe's sequence number, or nil when `limit` probes are in flight already.
    func enter() -> Int? {
        state.withLock { state in
            guard state.inFlight < limit else { return nil }
            state.inFlight += 1
            state.sequence += 1
            return state.sequence - 1
        }
    }

    /// A probe taken by `enter()` was delivered.
    func leave() { state.withLock { $0.inFlight -= 1 } }

    /// Whether `limit` probes are in flight.
    var full: Bool { state.withLock { $0.inFlight >= limit } }

    /// Whether a focus covers the instant `now`: the base slots are not sent then.
    func focused(at now: Duration) -> Bool {
        state.withLock { state in state.focus.map { now < $0.deadline } ?? false }
    }

    /// Starts `focus`, replacing any other.
    func start(_ focus: Focus) { state.withLock { $0.focus = focus } }

    /// Whether the focus of `generation` still holds at `now`: not ended, replaced or past its deadline.
    /// One that is past its deadline is ended here.
    func holds(_ generation: Int, at now: Duration) -> Bool {
        state.withLock { state in
            guard let focus = state.focus, focus.generation == generation else { return false }
            guard now < focus.deadline else {
                state.focus = nil
                return false
            }
            return true
        }
    }

    /// Hands a focused sample of the focus of `generation` to its end condition, and ends the focus
    /// when it says so. A sample of a focus replaced since then ends nothing.
    func judge(_ sample: ProbeSample, of generation: Int) {
        let focus = state.withLock { state in state.focus.flatMap { $0.generation == generation ? $0 : nil } }
        // Called outside the lock: the condition is the runner's code.
        guard let focus, focus.ends(user.id, sample) else { return }
        state.withLock { state in
            if state.focus?.generation == generation { state.focus = nil }
        }
    }
}
