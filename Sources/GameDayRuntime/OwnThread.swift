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
}
