import Foundation
import Synchronization

/// A run's task (a drill's or a game day's), once it exists, for the interrupt handler to cancel.
final class RunningTask<Output: Sendable>: Sendable {
    private let task = Mutex<Task<Output, Never>?>(nil)

    func set(_ task: Task<Output, Never>) { self.task.withLock { $0 = task } }

    func cancel() { task.withLock { $0?.cancel() } }
}

extension RunningTask {
    /// From now on, Ctrl-C and SIGTERM: the first calls `interrupt`, says `stopping` and cancels
    /// this task (its faults are still reverted); a later one says the `run` exits once they are.
    func cancelOnInterrupt(stopping: String, run: String, _ interrupt: @escaping @Sendable () -> Void) {
        let signals = InterruptSignals.shared
        signals.install()
        signals.handle { [self] signal, count in
            let name = signal == SIGINT ? "interrupt" : "SIGTERM"
            interrupt()
            if count == 1 {
                Terminal.err("gameday: \(name): \(stopping)")
                cancel()
            } else {
                Terminal.err(
                    "gameday: \(name) again: still reverting faults; the \(run) exits as soon as they are undone")
            }
        }
    }
}
