@preconcurrency import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM for `gameday run`, caught from the first instant of the process so that no
/// interrupt can end a run before it has reverted what it did: the default actions are off, and
/// each arrival is counted and handed to the handler the run registers (those that came before it
/// registered are handed over at once).
final class InterruptSignals: Sendable {
    /// The process's one set of handlers; `install()` turns them on.
    static let shared = InterruptSignals()

    typealias Handler = @Sendable (_ signal: Int32, _ count: Int) -> Void

    private struct State {
        var sources: [any DispatchSourceSignal] = []
        var arrived: [Int32] = []
        var handler: Handler?
    }

    private let state = Mutex(State())

    /// Ignores SIGINT and SIGTERM's default actions and starts counting them. Idempotent.
    func install(_ signals: [Int32] = [SIGINT, SIGTERM]) {
        state.withLock { state in
            guard state.sources.isEmpty else { return }
            state.sources = signals.map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [self] in arrive(number) }
                source.resume()
                return source
            }
        }
    }

    /// Whether `install()` ran.
    var isInstalled: Bool { state.withLock { !$0.sources.isEmpty } }

    /// How many interrupts arrived so far.
    var count: Int { state.withLock { $0.arrived.count } }

    /// Calls `handler` for every interrupt, starting with those that arrived before.
    func handle(_ handler: @escaping Handler) {
        let earlier = state.withLock { state in
            state.handler = handler
            return state.arrived
        }
        for (index, signal) in earlier.enumerated() { handler(signal, index + 1) }
    }

    private func arrive(_ signal: Int32) {
        let (handler, count) = state.withLock { state in
            state.arrived.append(signal)
            return (state.handler, state.arrived.count)
        }
        handler?(signal, count)
    }
}
