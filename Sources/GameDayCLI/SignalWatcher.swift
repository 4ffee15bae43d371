@preconcurrency import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a callback, so a run can revert its faults
/// before it exits. The default handlers are disabled while it is alive.
final class SignalWatcher: @unchecked Sendable {  // sources are only created and cancelled
    private let sources: [any DispatchSourceSignal]

    init(_ signals: [Int32] = [SIGINT, SIGTERM], handler: @escaping @Sendable (Int32, Int) -> Void) {
        let count = Mutex(0)
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                handler(
                    number,
                    count.withLock {
                        $0 += 1; return $0
                    })
            }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
