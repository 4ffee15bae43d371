import GameDayCore

extension ProcessTable {
    /// Polls every 5 ms until `done` holds for each of `pids` or `timeout` passes; returns those for
    /// which it never held. The proof of a signal: gone after a kill, stopped after SIGSTOP, running
    /// again after SIGCONT.
    public func waitUntil(
        within timeout: Duration, _ pids: [Int32], _ done: (Int32) -> Bool
    ) async -> [Int32] {
        let deadline = ContinuousClock.now + timeout
        var pending = pids.filter { !done($0) }
        while !pending.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
            pending = pending.filter { !done($0) }
        }
        return pending
    }
}
