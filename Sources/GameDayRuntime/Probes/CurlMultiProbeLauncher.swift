import CCurl
import GameDayCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The real probe engine: one dedicated thread per running engine drives one libcurl multi handle
/// for every test user, so 1,000 users cost one thread and their connections, not 1,000 tasks.
///
/// - Open loop: user k's probe n is due at `start + offset(k) + n × interval`, where `start` is the
///   run clock at `start(...)` and the users are spread evenly over the first interval
///   (`offset(k) = k × interval / users.count`), so 1,000 users do not fire in one burst. A late
///   answer never delays the next slot.
/// - At most `prober.spec.inFlightLimit` probes per user are in flight; a slot due beyond that is
///   reported with `ProbeSink.skipped(user:scheduled:)`. After a stall of more than one interval
///   (a starved machine), the missed slots are skipped silently but for each user's latest one,
///   rather than sent in a burst.
/// - Waits land on the slot to the microsecond where the machine allows: `curl_multi_poll` also
///   waits on a timer descriptor armed for the slot (see `SlotTimer`).
/// - Requests are rendered once per user at start; a user whose request cannot be rendered gets a
///   failed sample with the reason at every slot.
/// - Connections stay open and are reused across probes (the multi handle's connection cache).
///
/// The sink is called on the engine's thread: it must be quick, or it delays the schedule.
public struct CurlMultiProbeLauncher: ProbeLauncher {
    public init() {}

    public func start(users: [TestUser], prober: Prober, clock: any RunClock, sink: any ProbeSink)
        -> any RunningProbes
    {
        CurlMultiProbes(users: users, prober: prober, clock: clock, sink: sink)
    }
}

/// A running `CurlMultiProbeLauncher` engine: its thread, and how to stop it.
final class CurlMultiProbes: RunningProbes {
    private let control: ProbeLoopControl
    /// The engine thread until it is joined; then nil, and the multi handle is gone.
    private let thread: Mutex<pthread_t?>

    init(users: [TestUser], prober: Prober, clock: any RunClock, sink: any ProbeSink) {
        _ = CurlTransfer.initialised
        // curl_multi_init fails only when memory is exhausted.
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        // Keep an idle connection per user and then some, so that every probe can reuse one.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(64, users.count * 2))
        control = ProbeLoopControl(multi: multi)
        let loop = ProbeLoop(users: users, prober: prober, clock: clock, sink: sink, control: control)
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { context in
                let loop = Unmanaged<ProbeLoop>.fromOpaque(context!).takeRetainedValue()
                loop.runThread()
                return nil
            }, Unmanaged.passRetained(loop).toOpaque())
        // Failing to start one thread means the process is out of threads or memory.
        guard started == 0 else { fatalError("cannot start the probe engine's thread: error \(started)") }
        self.thread = Mutex(thread)
    }

    func focus(_ focus: ProbeFocus) {}  // PLACEHOLDER: the #19 helpers implement it

    /// Sends no new probe, waits until every probe in flight has been delivered, joins the engine's
    /// thread and frees the multi handle. Calling it again returns at once.
    func stop() async {
        // Under the lock: the multi handle is freed under it once the thread is joined.
        let running = thread.withLock { thread in
            if thread != nil { control.requestStop() }
            return thread != nil
        }
        guard running else { return }
        await control.waitUntilFinished()
        thread.withLock { thread in
            guard let running = thread else { return }
            // The thread has finished its loop: the join returns as soon as it has returned.
            pthread_join(running, nil)
            curl_multi_cleanup(control.multi)
            thread = nil
        }
    }
}

extension ProbeLoop {
    /// The body of the engine thread.
    fileprivate func runThread() {
        #if os(Linux)
            _ = ccurl_name_thread("gameday-probes")
        #endif
        run()
        control.finished()
    }
}
