import GameDayCore
import Synchronization

/// Keeps every delivery and skip of a probe engine, and lets a test wait until they satisfy a
/// condition: woken by the deliveries themselves, so no test sleeps or counts on the machine's speed.
final class WaitingSink: ProbeSink {
    struct Delivery: Sendable {
        var user: String
        var sequence: Int
        var sample: ProbeSample
    }

    struct Seen: Sendable {
        var deliveries: [Delivery] = []
        var skipped: [(user: String, scheduled: Duration)] = []

        /// `user`'s samples in sequence order.
        func samples(of user: String) -> [ProbeSample] {
            deliveries.filter { $0.user == user }.sorted { $0.sequence < $1.sequence }.map(\.sample)
        }

        func sequences(of user: String) -> [Int] {
            deliveries.filter { $0.user == user }.map(\.sequence).sorted()
        }
    }

    private struct Waiter {
        let condition: @Sendable (Seen) -> Bool
        let continuation: CheckedContinuation<Seen, Never>
    }

    private let state = Mutex<(seen: Seen, waiters: [Waiter])>((Seen(), []))

    func deliver(_ sample: ProbeSample, user: String, sequence: Int) {
        update { $0.deliveries.append(Delivery(user: user, sequence: sequence, sample: sample)) }
    }

    func skipped(user: String, scheduled: Duration) {
        update { $0.skipped.append((user, scheduled)) }
    }

    var seen: Seen { state.withLock { $0.seen } }

    /// Returns what was seen once `condition` holds (at once when it already does).
    func wait(until condition: @escaping @Sendable (Seen) -> Bool) async -> Seen {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Seen? in
                if condition(state.seen) { return state.seen }
                state.waiters.append(Waiter(condition: condition, continuation: continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    private func update(_ change: (inout Seen) -> Void) {
        let ready = state.withLock { state -> [(CheckedContinuation<Seen, Never>, Seen)] in
            change(&state.seen)
            let seen = state.seen
            let (done, waiting) = (
                state.waiters.filter { $0.condition(seen) }, state.waiters.filter { !$0.condition(seen) }
            )
            state.waiters = waiting
            return done.map { ($0.continuation, seen) }
        }
        for (continuation, seen) in ready { continuation.resume(returning: seen) }
    }
}
