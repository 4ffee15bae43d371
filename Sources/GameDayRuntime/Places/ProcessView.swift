import GameDayCore

/// The processes of one place, as a revert sees them: this host's (`ProcessTable`) or another
/// host's over SSH (`RemoteProcesses`). `RecipeRunner` interprets process steps once over this
/// view, so a revert on an SSH host runs the same proofs as one here.
public protocol ProcessView: Sendable {
    /// Where the processes are, for the revert's words (`ssh:root@host:22`); nil for this host.
    var location: String? { get }
    /// The processes `locator` finds, never the finder itself or its ancestors.
    func find(_ locator: ProcessLocator) async throws(FaultError) -> [Int32]
    /// Polls until `condition` holds for each of `pids` or `timeout` passes; returns those for
    /// which it never held.
    func waitUntil(_ condition: ProcessCondition, _ pids: [Int32], within timeout: Duration) async throws -> [Int32]
}

/// What a signal's proof waits for.
public enum ProcessCondition: String, Sendable {
    /// The process no longer exists (or is a zombie): after SIGTERM or SIGKILL.
    case gone
    /// The process is not stopped: after SIGCONT (one that is gone counts too).
    case resumed
}

extension ProcessView {
    /// Those of `pids` still alive, now.
    public func alive(_ pids: [Int32]) async throws -> [Int32] {
        try await waitUntil(.gone, pids, within: .zero)
    }
}

extension ProcessTable: ProcessView {
    public var location: String? { nil }

    public func waitUntil(_ condition: ProcessCondition, _ pids: [Int32], within timeout: Duration) async -> [Int32] {
        switch condition {
        case .gone: await waitUntil(within: timeout, pids) { !isAlive($0) }
        case .resumed: await waitUntil(within: timeout, pids) { state(of: $0) != "T" }
        }
    }
}
