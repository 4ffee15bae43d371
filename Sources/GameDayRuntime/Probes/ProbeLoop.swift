import CCurl
import GameDayCore
import Synchronization

/// The state of one `CurlMultiProbeLauncher` engine, driven by its one thread: the schedule, every
/// user's transfers and what is in flight on the multi handle. Nothing here is touched by another
/// thread; `ProbeLoopControl` is what the two sides share.
final class ProbeLoop {
    /// One test user: its request, rendered once, and its transfers.
    private struct UserState {
        var user: TestUser
        /// The rendered request, or why it could not be rendered.
        var request: Result<HTTPRequest, ProbeRenderFailure>
        /// The sequence number of the next probe sent.
        var sent = 0
        var inFlight = 0
        /// Transfers set up for this user's request and not in flight, kept so their options need
        /// not be set again.
        var idle: [CurlTransfer] = []
    }

    /// A transfer on the multi handle.
    private struct InFlight {
        var transfer: CurlTransfer
        var user: Int
        var sequence: Int
        var sentAt: Duration
        var lag: Duration
    }

    private let prober: Prober
    private let clock: any RunClock
    private let sink: any ProbeSink
    let control: ProbeLoopControl
    private let limit: Int
    private var users: [UserState]
    private var schedule: ProbeSchedule?
    private var inFlight: [UnsafeMutableRawPointer: InFlight] = [:]
    private let timer = SlotTimer()

    init(users: [TestUser], prober: Prober, clock: any RunClock, sink: any ProbeSink, control: ProbeLoopControl) {
        self.prober = prober
        self.clock = clock
        self.sink = sink
        self.control = control
        limit = prober.spec.inFlightLimit
        self.users = users.map { UserState(user: $0, request: Self.render($0, prober)) }
        if !users.isEmpty {
            schedule = ProbeSchedule(start: clock.now(), interval: prober.spec.interval, users: users.count)
        }
    }

    private static func render(_ user: TestUser, _ prober: Prober) -> Result<HTTPRequest, ProbeRenderFailure> {
        do {
            return .success(try prober.request(for: user).request)
        } catch {
            return .failure(ProbeRenderFailure(reason: "\(error)"))
        }
    }

    /// Probes until `control` says stop, then until every probe in flight has been delivered.
    func run() {
        let multi = control.multi
        while true {
            let stopping = control.isStopping
            if !stopping { sendDueProbes(multi) }
            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            deliverFinished(multi)
            if stopping && inFlight.isEmpty { break }
            timer.poll(multi, for: stopping ? nil : schedule.map { $0.upcoming.due - clock.now() })
        }
        users.removeAll()
    }

    // MARK: - Sending

    private func sendDueProbes(_ multi: UnsafeMutableRawPointer) {
        guard var schedule else { return }
        defer { self.schedule = schedule }
        var now = clock.now()
        // Slots skipped after a stall are not reported: no probe was due to be skipped for being in flight.
        _ = schedule.skipStall(now: now)
        // At most one slot per user each pass: a schedule that falls due faster than the loop can
        // send (an interval shorter than a send) must not keep the loop here, away from curl and
        // from a stop request; the next pass skips what this one could not reach.
        var budget = users.count
        while budget > 0, schedule.upcoming.due <= now {
            let (user, due) = schedule.upcoming
            schedule.advance()
            send(user, scheduled: due, multi)
            budget -= 1
            now = clock.now()
        }
    }

    private func send(_ index: Int, scheduled: Duration, _ multi: UnsafeMutableRawPointer) {
        let id = users[index].user.id
        guard users[index].inFlight < limit else {
            sink.skipped(user: id, scheduled: scheduled)
            return
        }
        let sequence = users[index].sent
        users[index].sent += 1
        let request: HTTPRequest
        switch users[index].request {
        case .success(let rendered): request = rendered
        case .failure(let failure):
            let now = clock.now()
            sink.deliver(
                ProbeSample(sentAt: now, ok: false, failure: failure.reason, lag: now - scheduled), user: id,
                sequence: sequence)
            return
        }
        let transfer: CurlTransfer
        do throws(HTTPTransportError) {
            if let idle = users[index].idle.popLast() { transfer = idle } else { transfer = try CurlTransfer(request) }
        } catch {
            let now = clock.now()
            sink.deliver(
                prober.sample(.failure(error), sentAt: now, latency: .zero, lag: now - scheduled), user: id,
                sequence: sequence)
            return
        }
        transfer.reset()
        let sentAt = clock.now()
        let added = curl_multi_add_handle(multi, transfer.handle)
        guard added == CURLM_OK else {
            users[index].idle.append(transfer)
            let error = HTTPTransportError(
                kind: .other, message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(added)))")
            sink.deliver(
                prober.sample(.failure(error), sentAt: sentAt, latency: .zero, lag: sentAt - scheduled), user: id,
                sequence: sequence)
            return
        }
        users[index].inFlight += 1
        inFlight[transfer.handle] = InFlight(
            transfer: transfer, user: index, sequence: sequence, sentAt: sentAt, lag: sentAt - scheduled)
    }

    // MARK: - Delivering

    private func deliverFinished(_ multi: UnsafeMutableRawPointer) {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            // The message is curl's until the handle is removed: read it first.
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            guard let probe = inFlight.removeValue(forKey: handle) else { continue }
            curl_multi_remove_handle(multi, handle)
            let latency = clock.now() - probe.sentAt
            let sample = prober.sample(
                probe.transfer.outcome(code), sentAt: probe.sentAt, latency: latency, lag: probe.lag)
            users[probe.user].inFlight -= 1
            users[probe.user].idle.append(probe.transfer)
            sink.deliver(sample, user: users[probe.user].user.id, sequence: probe.sequence)
        }
    }
}

/// Why a user's probe request could not be rendered; every probe of that user fails with it.
struct ProbeRenderFailure: Error {
    var reason: String
}

/// What an engine's thread and its callers share: the multi handle (for `curl_multi_wakeup`), the
/// stop request, and the thread's end.
final class ProbeLoopControl: Sendable {
    /// Driven by the engine thread only; other threads may only wake it.
    nonisolated(unsafe) let multi: UnsafeMutableRawPointer
    private let stopping = Atomic(false)
    private let finish = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(multi: UnsafeMutableRawPointer) { self.multi = multi }

    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Asks the loop to stop sending, and wakes it if it waits.
    func requestStop() {
        stopping.store(true, ordering: .releasing)
        curl_multi_wakeup(multi)
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
