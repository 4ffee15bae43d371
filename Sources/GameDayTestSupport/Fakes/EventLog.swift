import GameDayCore
import Synchronization

/// Collects run events for assertions.
public final class EventLog: RunReporter {
    private let events = Mutex<[String]>([])
    /// Told each event's line as it is reported, on the reporting thread: a test drives what
    /// happens next by the run's own progress (interrupt when the recovery phase starts).
    private let onLine: (@Sendable (String) -> Void)?
    /// How often the run reports `.status`; nil (no status) unless a test asks.
    public let statusInterval: Duration?

    public init(statusInterval: Duration? = nil, onLine: (@Sendable (String) -> Void)? = nil) {
        self.statusInterval = statusInterval
        self.onLine = onLine
    }

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
