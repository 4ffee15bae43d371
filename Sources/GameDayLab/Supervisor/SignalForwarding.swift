@preconcurrency import Dispatch
import Foundation
import Synchronization

/// Passes the SIGTERM and SIGINT a supervisor gets on to the server it supervises: stopping the
/// supervisor stops its server gracefully, and the supervisor stays to log the server's exit. A
/// signal that comes before the server is started is passed on as soon as it is.
final class SignalForwarding: @unchecked Sendable {  // `sources` are only set in init
    /// Where signals go: nowhere yet (they wait), the server, or nowhere any more.
    private enum Target {
        case waiting([Int32])
        case server(pid_t)
        case gone
    }

    private let target = Mutex(Target.waiting([]))
    private var sources: [any DispatchSourceSignal] = []

    /// Takes over `signals`: from now on they no longer end this process.
    init(_ signals: [Int32] = [SIGTERM, SIGINT]) {
        for number in signals {
            // Ignored, so that only the dispatch source sees it (as `SignalWatcher` in the CLI).
            // The server does not inherit that: `Spawn` resets every signal to its default.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.received(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// From now on signals go to `pid`; those that came before go there now.
    func forward(to pid: pid_t) {
        let waiting = target.withLock { target -> [Int32] in
            defer { target = .server(pid) }
            if case .waiting(let signals) = target { return signals }
            return []
        }
        for signal in waiting { kill(pid, signal) }
    }

    /// Stops forwarding once the server is reaped: its pid may be reused by another process.
    ///
    /// `waitid` reaps before this can be called, so a signal arriving in between would still go to
    /// that pid; a new process would have to have taken it in those microseconds, which needs the
    /// whole pid space to wrap around.
    func stop() {
        target.withLock { $0 = .gone }
    }

    private func received(_ signal: Int32) {
        target.withLock { target in
            switch target {
            case .waiting(let signals): target = .waiting(signals + [signal])
            case .server(let pid): kill(pid, signal)
            case .gone: break
            }
        }
    }
}
