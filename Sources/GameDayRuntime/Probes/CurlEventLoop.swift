import CCurl
import GameDayCore

#if canImport(Glibc)
    import Glibc
#endif

/// One libcurl multi handle driven through its socket interface (`curl_multi_socket_action`), and
/// the waits of the engine thread that drives it. Linux only (epoll, timerfd, eventfd).
///
/// curl says which sockets to watch and when its next timeout falls; one epoll instance watches
/// those sockets, a timerfd armed for the next probe slot and the engine's wake-up descriptor. A
/// wait returns when any of them is ready, and curl has acted on what was: only the sockets that
/// are ready cost anything, not every transfer's socket at every wake-up as with `curl_multi_poll`.
/// The plumbing is C (`ccurl_events` in CCurl.h): curl's callbacks run in the middle of its own
/// calls, thousands of times a second.
final class CurlEventLoop {
    /// The multi handle; freed by `close()`.
    let multi: UnsafeMutableRawPointer
    private let events: OpaquePointer
    private var slot = SlotTimer()

    /// A multi handle that keeps up to `connections` idle connections, woken through `wake`
    /// (an eventfd from `ccurl_wake_create`, which the caller owns and keeps open).
    init(connections: Int, wake: Int32) {
        _ = CurlTransfer.initialised
        // curl_multi_init fails only when memory is exhausted.
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, connections)
        // Fails only when the process is out of descriptors or memory, as starting its thread would.
        guard let events = ccurl_events_create(multi, wake) else {
            fatalError("cannot set up the probe engine's epoll instance: \(String(cString: strerror(errno)))")
        }
        self.multi = multi
        self.events = events
    }

    /// Waits until curl has work, the engine is woken, or `deadline` (on the run clock, now `now`)
    /// at the latest, and lets curl act on its ready sockets and timeouts; without a deadline, waits
    /// on curl and the wake-up alone. Returns whether the engine was woken.
    func wait(until deadline: Duration?, now: Duration) -> Bool {
        let due = slot.prepare(until: deadline, now: now) { _ = ccurl_events_arm_slot(events, $0) }
        let seen = ccurl_events_wait(events, due ? 0 : 1)
        if seen.slot_due != 0 { slot.expired() }
        return seen.woken != 0
    }

    /// Has `handle` open its sockets through the loop (see `ccurl_events_adopt`); every handle added
    /// to the multi handle must be adopted first.
    func adopt(_ handle: UnsafeMutableRawPointer) {
        _ = ccurl_events_adopt(events, handle)
    }

    /// Sends the requests of the transfers just added: curl asks for a timeout of zero when a
    /// handle is added, and acts on it here rather than at the next wait.
    func startAdded() { ccurl_events_flush(events) }

    /// The next transfer curl has finished, with its result; nil when there is none. The handle is
    /// still on the multi handle: remove it.
    func nextFinished() -> (handle: UnsafeMutableRawPointer, result: CURLcode)? {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            // The message is curl's until the handle is removed: read it first.
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            return (handle, message.pointee.data.result)
        }
        return nil
    }

    /// Frees the multi handle (which closes its connections) and then the event plumbing, which
    /// curl still reports the closed sockets to. Every transfer must have been removed.
    func close() {
        curl_multi_cleanup(multi)
        ccurl_events_destroy(events)
    }
}
