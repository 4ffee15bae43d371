import CCurl
import GameDayCore

#if canImport(Glibc)
    import Glibc
#endif

/// Lands a wait on a probe slot more precisely than the whole milliseconds `curl_multi_poll` takes.
///
/// On Linux a `timerfd`, armed for the time left and handed to `curl_multi_poll` as an extra
/// descriptor, wakes the poll at the slot to the microsecond, while curl still serves its sockets
/// in the meantime. Elsewhere the wait rounds up to whole milliseconds.
final class SlotTimer {
    #if os(Linux)
        private let descriptor: Int32 = ccurl_timer_create()
    #else
        private let descriptor: Int32 = -1
    #endif

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Waits on `multi` until its transfers have work, `wake` is called, or `remaining` has passed
    /// (nil: until curl's own next timeout or a second, whichever comes first).
    func poll(_ multi: UnsafeMutableRawPointer, for remaining: Duration?) {
        guard let remaining else {
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
            return
        }
        guard remaining > .zero else { return }
        // One millisecond over: the poll's own timeout is only the backstop of the timer.
        let milliseconds = Int32(min(remaining.milliseconds.rounded(.up), 60_000))
        guard arm(remaining) else {
            _ = curl_multi_poll(multi, nil, 0, milliseconds, nil)
            return
        }
        var timer = curl_waitfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        _ = curl_multi_poll(multi, &timer, 1, milliseconds + 1, nil)
        // Read an expiry that happened, so that the descriptor is not still readable at the next poll.
        var expiries: UInt64 = 0
        _ = read(descriptor, &expiries, MemoryLayout<UInt64>.size)
    }

    /// Arms the timer to expire once after `remaining` (which also clears an expiry not yet read).
    private func arm(_ remaining: Duration) -> Bool {
        #if os(Linux)
            guard descriptor >= 0 else { return false }
            let (seconds, attoseconds) = remaining.components
            let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
            return ccurl_timer_arm(descriptor, max(1, nanoseconds)) == 0
        #else
            return false
        #endif
    }
}
