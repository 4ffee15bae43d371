import CCurl
import GameDayCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The real probe engine: one dedicated thread per running engine drives the HTTP transfers of
/// every test user, so 1,000 users cost one thread and their connections, not 1,000 tasks.
///
/// - Two HTTP clients (`ProbeTransport`): when every user's request is plain HTTP to a numeric
///   address (`http://10.0.0.7:8080/…`, as `RawHTTPTarget` says), the engine's own HTTP/1.1 client
///   (`RawProbeTransport`), which sends the bytes curl would send at about 20 % less CPU per probe
///   (bench/RESULTS.md); otherwise libcurl's multi handle (`CurlProbeTransport`: names to resolve,
///   TLS, everything curl takes).
/// - Open loop: user k's probe n is due at `start + offset(k) + n × interval`, where `start` is the
///   run clock at `start(...)` and the users are spread evenly over the first interval
///   (`offset(k) = k × interval / users.count`), so 1,000 users do not fire in one burst. A late
///   answer never delays the next slot.
/// - At most `prober.spec.inFlightLimit` probes per user are in flight; a slot due beyond that is
///   reported with `ProbeSink.skipped(user:scheduled:)`. After a stall of more than one interval
///   (a starved machine), the missed slots are skipped silently but for each user's latest one,
///   rather than sent in a burst.
/// - Event-driven (`CurlEventLoop`, `CProbeHTTP`'s loop): sockets on epoll, so a wake-up costs the
///   sockets that are ready, not every transfer's; waits land on the slot to the microsecond (a
///   timerfd armed for it). The thread wakes for the slots of users that would send; those of
///   users at their bound are handled (reported) at the next wake-up, within half an interval.
///   It runs at nice -10 where the process may (root): a loaded machine should slow the answers,
///   not the schedule that times them.
/// - Focus (`focus(_:)`): a focused user is probed on a second schedule, spread over the fine
///   interval from the moment the focus starts, until its end condition holds for one of its
///   fine samples or its deadline passes; its base slots are not sent meanwhile (reported skipped
///   only when the user is at its in-flight bound, as they would have been). A fine slot beyond the
///   in-flight bound is left out without a report: the base slots it stands for carry the report.
///   Fine samples carry `ProbeSample.focused`.
/// - Requests are rendered once per user at start; a user whose request cannot be rendered gets a
///   failed sample with the reason at every slot.
/// - Connections stay open and are reused across probes (the multi handle's connection cache, or
///   one connection per transfer of the own client).
///   Only what `Prober.sample` reads of an answer is kept (`CurlTransfer.Keep(for:)`).
///
/// The sink, and a focus's end condition, are called on the engine's thread: they must be quick,
/// or they delay the schedule. Linux only.
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

    /// Which HTTP client the engine chose for its users' requests.
    enum Client { case own, libcurl }
    let client: Client

    init(users: [TestUser], prober: Prober, clock: any RunClock, sink: any ProbeSink) {
        let control = ProbeLoopControl()
        self.control = control
        let requests = users.map { prober.renderedRequest(for: $0) }
        let keep = CurlTransfer.Keep(for: prober.spec)
        // The engine thread, running a loop over `transport`.
        func start<Transport: ProbeTransport>(_ transport: Transport) -> Mutex<pthread_t?> {
            Mutex(
                Self.startThread(
                    ProbeLoop(
                        users: users, requests: requests, prober: prober, clock: clock, sink: sink, control: control,
                        transport: transport)))
        }
        if let own = RawProbeTransport(requests: requests, keeping: keep, wake: control.wake) {
            client = .own
            thread = start(own)
        } else {
            client = .libcurl
            // Keep an idle connection per user and then some, so that every probe can reuse one.
            thread = start(CurlProbeTransport(connections: max(64, users.count * 2), keeping: keep, wake: control.wake))
        }
    }

    /// Starts the engine thread, running `loop`.
    private static func startThread<Transport>(_ loop: ProbeLoop<Transport>) -> pthread_t {
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<EngineThreadBody>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, Unmanaged.passRetained(EngineThreadBody { loop.runThread() }).toOpaque())
        // Failing to start one thread means the process is out of threads or memory.
        guard started == 0 else { fatalError("cannot start the probe engine's thread: error \(started)") }
        return thread
    }

    /// Hands `focus` to the engine thread, which starts it at its next wake-up (at once). Ignored
    /// once the engine is stopping.
    func focus(_ focus: ProbeFocus) {
        control.requestFocus(focus)
    }

    /// Sends no new probe, waits until every probe in flight has been delivered (the thread then
    /// frees the multi handle) and joins the engine's thread. Calling it again returns at once.
    func stop() async {
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
            thread = nil
        }
    }
}

/// What the engine thread runs, handed to it through `pthread_create`'s context pointer.
private final class EngineThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

extension ProbeLoop {
    /// The body of the engine thread.
    fileprivate func runThread() {
        _ = ccurl_name_thread("gameday-probes")
        // Ahead of the service under test and other work on a busy machine, where the process may
        // (root): a probe that leaves late is the measurement's error. Otherwise the thread keeps
        // the process's priority.
        _ = ccurl_set_thread_nice(-10)
        run()
        control.finished()
    }
}
