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

/// Collects run events for assertions.
public final class EventLog: RunReporter {
    private let events = Mutex<[String]>([])
    /// Told each event's line as it is reported, on the reporting thread: a test drives what
    /// happens next by the run's own progress (interrupt when the recovery phase starts).
    private let onLine: (@Sendable (String) -> Void)?

    public init(onLine: (@Sendable (String) -> Void)? = nil) { self.onLine = onLine }

    public func report(_ event: RunEvent) {
        let line: String
        switch event {
        case .phaseStarted(let phase): line = "phase \(phase)"
        case .archiving: line = "phase archive"
        case .note(let text): line = "note \(text)"
        case .problem(let text): line = "problem \(text)"
        case .userChanged(let user, let sample):
            line = "user \(user.id) \(sample.ok ? "ok" : "failing") \(sample.unit ?? "-")"
        case .detail(let text): line = "detail \(text)"
        case .status(let status): line = "status \(status.phase?.rawValue ?? "")"
        }
        events.withLock { $0.append(line) }
        onLine?(line)
    }

    public var lines: [String] { events.withLock { $0 } }
}
