import CCurl
import GameDayCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What an engine's thread and its callers share: the wake-up descriptor, the stop request, the
/// focus requests not yet taken, and the thread's end.
final class ProbeLoopControl: Sendable {
    /// An eventfd the engine thread waits on; open for as long as anyone may wake it.
    let wake: Int32
    private let stopping = Atomic(false)
    private let focuses = Mutex<[ProbeFocus]>([])
    private let finish = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init() {
        wake = ccurl_wake_create()
        // Fails only when the process is out of descriptors, as starting the engine would.
        guard wake >= 0 else {
            fatalError("cannot create the probe engine's eventfd: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(wake) }

    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Asks the loop to stop sending, and wakes it.
    func requestStop() {
        stopping.store(true, ordering: .releasing)
        ccurl_wake(wake)
    }

    /// Hands `focus` to the loop, and wakes it.
    func requestFocus(_ focus: ProbeFocus) {
        focuses.withLock { $0.append(focus) }
        ccurl_wake(wake)
    }

    /// The focus requests since the last call, oldest first.
    func takeFocuses() -> [ProbeFocus] {
        focuses.withLock { focuses in
            defer { focuses.removeAll() }
            return focuses
        }
    }

    /// Called by the engine thread as the last thing it does.
    func finished() {
        let waiters = finish.withLock { state in
            state.done = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the engine thread has called `finished()`.
    func waitUntilFinished() async {
        await withCheckedContinuation { continuation in
            let done = finish.withLock { state in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
    }
}
