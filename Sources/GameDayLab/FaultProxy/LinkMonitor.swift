/// Acts on a connection when no data flows: tells it to close when its proxy is disabled or
/// deleted, when a `timeout` toxic's time is up, or when a `timeout` toxic that held it is removed
/// (as Toxiproxy does, so a request whose bytes were dropped does not linger half-answered).
struct LinkMonitor: Sendable {
    let proxy: String
    let board: ToxicBoard
    let dice: ToxicDice

    private enum Event: Sendable {
        case changed(ToxicBoard.Snapshot?)
        /// The timer of timeout toxic `id` with that `timeout` fired.
        case expired(id: UInt64, timeout: Duration)
    }

    /// Returns true when the connection must close; false only when cancelled.
    func run() async -> Bool {
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await snapshot in board.watch(proxy) { sink.yield(.changed(snapshot)) }
            }
            defer { group.cancelAll() }
            // The timeout toxics acting on this connection, with the timeout their timer runs for.
            var holding: [UInt64: Duration] = [:]
            for await event in events {
                switch event {
                case .expired(let id, let timeout):
                    if holding[id] == timeout { return true }
                case .changed(let snapshot):
                    guard let snapshot, snapshot.enabled else { return true }
                    let timeouts = ToxicStream.allCases.flatMap { dice.toxics(snapshot, on: $0) }.compactMap {
                        toxic -> (UInt64, Duration)? in
                        if case .timeout(let timeout) = toxic.kind { return (toxic.id, timeout) }
                        return nil
                    }
                    let current = Dictionary(timeouts, uniquingKeysWith: { $1 })
                    if holding.keys.contains(where: { current[$0] == nil }) { return true }
                    for (id, timeout) in current where holding[id] != timeout {
                        holding[id] = timeout
                        // Zero holds the connection for as long as the toxic lasts.
                        guard timeout > .zero else { continue }
                        group.addTask {
                            try? await Task.sleep(for: timeout)
                            if !Task.isCancelled { sink.yield(.expired(id: id, timeout: timeout)) }
                        }
                    }
                }
            }
            return false
        }
    }
}
