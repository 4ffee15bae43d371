import Foundation

/// Runs blocking work (a transfer, a `waitpid`) on a thread of its own and awaits its result.
///
/// Not on Dispatch's global queue: on Linux its pool grows slowly past as many threads as cores, so
/// a few calls that block for long (a transfer to a hung server, a child process that runs a whole
/// drill) would queue every other blocking call of the process behind them — a lab storefront
/// calling a paused cart did, and so did a test watching nft tables while a drill ran.
public enum OwnThread {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }

    /// Starts `body` on a thread of its own at once (not when a task of the cooperative pool gets
    /// to it: a busy run can hold every one of those for longer than a client waits) and returns
    /// a handle to await its end.
    public static func start(_ body: @escaping @Sendable () -> Void) -> Started {
        let started = Started()
        let thread = Thread {
            body()
            started.ended.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        return started
    }

    /// A thread `start` began.
    public final class Started: Sendable {
        fileprivate let ended = DispatchSemaphore(value: 0)

        /// Waits, on a thread of its own, until the body has returned.
        public func value() async {
            let ended = ended
            await OwnThread.run {
                ended.wait()
                ended.signal()  // a second waiter returns too
            }
        }
    }
}
