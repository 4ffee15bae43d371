import Synchronization

/// What every open connection of every proxy needs to know right now: whether its proxy is
/// enabled and which toxics it carries. The registry publishes here on every change; connections
/// read it for every chunk (cheap, no actor hop) and watch it for changes that act without data
/// (a timeout toxic's timer, a disabled proxy).
final class ToxicBoard: Sendable {
    /// One proxy as its connections see it.
    struct Snapshot: Sendable, Hashable {
        var enabled: Bool
        var toxics: [Toxic]
    }

    private struct State {
        var snapshots: [String: Snapshot] = [:]
        var watchers: [String: [UInt64: AsyncStream<Snapshot?>.Continuation]] = [:]
        var nextWatcher: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The current state of proxy `name`, nil when there is no such proxy.
    func snapshot(of name: String) -> Snapshot? {
        state.withLock { $0.snapshots[name] }
    }

    /// Records the new state of proxy `name` (nil: deleted) and tells its watchers.
    func publish(_ snapshot: Snapshot?, for name: String) {
        let ended: [AsyncStream<Snapshot?>.Continuation] = state.withLock { state in
            state.snapshots[name] = snapshot
            // Yield under the lock so every watcher sees changes in the order they were made.
            for watcher in state.watchers[name, default: [:]].values { watcher.yield(snapshot) }
            guard snapshot == nil else { return [] }
            let removed = state.watchers.removeValue(forKey: name) ?? [:]
            return Array(removed.values)
        }
        // Outside the lock: finishing runs `onTermination`, which takes the lock again.
        for watcher in ended { watcher.finish() }
    }

    /// The state of proxy `name` now and after every change; ends after nil when it is deleted.
    /// Only the newest state is kept for a slow reader: a connection needs no history.
    func watch(_ name: String) -> AsyncStream<Snapshot?> {
        let (stream, continuation) = AsyncStream.makeStream(of: Snapshot?.self, bufferingPolicy: .bufferingNewest(1))
        let id: UInt64? = state.withLock { state in
            guard let current = state.snapshots[name] else { return nil }
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[name, default: [:]][id] = continuation
            continuation.yield(current)
            return id
        }
        guard let id else {
            continuation.yield(nil)
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.watchers[name]?.removeValue(forKey: id) }
        }
        return stream
    }
}
