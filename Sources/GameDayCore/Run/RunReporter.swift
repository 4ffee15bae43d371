/// Receives run events (the terminal in the CLI; a list in tests).
public protocol RunReporter: Sendable {
    func report(_ event: RunEvent)
    /// How often the reporter wants `.status`; nil (the default) for never.
    var statusInterval: Duration? { get }
}

extension RunReporter {
    public var statusInterval: Duration? { nil }
}
