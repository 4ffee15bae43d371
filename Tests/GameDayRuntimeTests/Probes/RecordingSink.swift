import Foundation
import GameDayCore
import Synchronization

/// A probe sink that keeps everything it is given, for assertions.
final class RecordingSink: ProbeSink {
    struct Delivery: Sendable {
        var user: String
        var sequence: Int
        var sample: ProbeSample
    }

    private struct State {
        var deliveries: [Delivery] = []
        var skipped: [(user: String, scheduled: Duration)] = []
        /// Callers of `wait(until:)` and what they wait for.
        var waiters: [(condition: @Sendable ([Delivery]) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    func deliver(_ sample: ProbeSample, user: String, sequence: Int) {
        let met = state.withLock { state in
            state.deliveries.append(Delivery(user: user, sequence: sequence, sample: sample))
            let deliveries = state.deliveries
            var met: [CheckedContinuation<Void, Never>] = []
            state.waiters.removeAll { waiter in
                guard waiter.condition(deliveries) else { return false }
                met.append(waiter.continuation)
                return true
            }
            return met
        }
        for continuation in met { continuation.resume() }
    }

    /// Returns once the deliveries so far meet `condition` (checked at each delivery): a test waits
    /// on what the engine did, not on the clock. Give the test a time limit.
    func wait(until condition: @escaping @Sendable ([Delivery]) -> Bool) async {
        await withCheckedContinuation { continuation in
            let met = state.withLock { state in
                guard !condition(state.deliveries) else { return true }
                state.waiters.append((condition, continuation))
                return false
            }
            if met { continuation.resume() }
        }
    }

    func skipped(user: String, scheduled: Duration) {
        state.withLock { $0.skipped.append((user, scheduled)) }
    }

    var deliveries: [Delivery] { state.withLock { $0.deliveries } }
    var skipped: [(user: String, scheduled: Duration)] { state.withLock { $0.skipped } }

    /// The samples of `user` in sequence order.
    func samples(of user: String) -> [Delivery] {
        deliveries.filter { $0.user == user }.sorted { $0.sequence < $1.sequence }
    }
}

/// The names of this process's threads, from /proc/self/task/*/comm.
func threadNames() -> [String] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.compactMap {
        (try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
