import Synchronization

/// Ctrl-C and SIGTERM as the runner sees them: how many arrived, and when the first did.
///
/// The CLI's signal handler calls `interrupt(at:)` and cancels the run's task. Once interrupted,
/// a run's outcome is aborted whatever phase it was in; its reverts and cut-back still finish.
/// A second interrupt skips what is left of the rollback's check (never a revert).
public final class RunInterruption: Sendable {
    private let state = Mutex<(count: Int, first: Duration?)>((0, nil))

    public init() {}

    /// Notes an interrupt that arrived at `time` on the run's clock; returns how many have arrived.
    @discardableResult
    public func interrupt(at time: Duration) -> Int {
        state.withLock { state in
            state.count += 1
            if state.first == nil { state.first = time }
            return state.count
        }
    }

    /// When the first interrupt arrived; nil when none did.
    public var first: Duration? { state.withLock { $0.first } }

    /// How many interrupts arrived.
    public var count: Int { state.withLock { $0.count } }
}
