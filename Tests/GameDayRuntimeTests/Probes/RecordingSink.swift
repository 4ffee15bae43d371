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

    private let state = Mutex<(deliveries: [Delivery], skipped: [(user: String, scheduled: Duration)])>(([], []))

    func deliver(_ sample: ProbeSample, user: String, sequence: Int) {
        state.withLock { $0.deliveries.append(Delivery(user: user, sequence: sequence, sample: sample)) }
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
