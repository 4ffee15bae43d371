import GameDayCore
import Synchronization

/// A clock that never waits: sleeping moves time forward at once.
/// For sequential logic only (one task sleeping at a time), such as polling.
public final class InstantClock: RunClock {
    private let current = Mutex(Duration.zero)

    public init(start: Duration = .zero) { current.withLock { $0 = start } }

    public func now() -> Duration { current.withLock { $0 } }

    public func sleep(until deadline: Duration) async throws {
        try Task.checkCancellation()
        current.withLock { $0 = max($0, deadline) }
    }

    /// Moves time forward by `duration`.
    public func advance(by duration: Duration) { current.withLock { $0 += duration } }
}
