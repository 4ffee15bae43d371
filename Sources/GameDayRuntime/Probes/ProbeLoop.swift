import GameDayCore

/// The state of one `CurlMultiProbeLauncher` engine, driven by its one thread: the schedules, every
/// user's transfers and focus, and the transport. Nothing here is touched by another thread;
/// `ProbeLoopControl` is what the two sides share.
final class ProbeLoop<Transport: ProbeTransport> {
    /// One test user's request, rendered once, its transfers and its focus (its id is in `ids`).
    private struct UserState {
        /// The rendered request, or why it could not be rendered.
        var request: Result<HTTPRequest, ProbeRenderFailure>
        /// The sequence number of the next probe sent.
        var sent = 0
        /// Transfers set up for this user's request and not in flight, kept so their options need
        /// not be set again; at most `idleKept` of them.
        var idle: [Transport.Transfer] = []
        /// The focus in force, if any.
        var focus: Focus?
    }

    /// A user's focus (`RunningProbes.focus(_:)`): which call set it, its fine interval and what
    /// ends it; until when is in `focusUntil`.
    private struct Focus {
        var generation: Int
        var interval: Duration
        var ends: @Sendable (_ user: String, _ sample: ProbeSample) -> Bool
    }

    /// Idle transfers kept per user: one answers every probe of a user whose answers come within
    /// its interval; more were left by a burst, and would only hold memory (with libcurl their
    /// connections stay in the multi handle's cache; the own client closes a dropped one's).
    private static var idleKept: Int { 2 }

    private let prober: Prober
    private let clock: any RunClock
    private let sink: any ProbeSink
    let control: ProbeLoopControl
    private let limit: Int
    // The engine's state is only ever touched by its thread, one access at a time: the dynamic
    // exclusivity checks Swift would make on each access (a thread-local set, 7 % of the thread's
    // time in the saturated bench) have nothing to catch.
    @exclusivity(unchecked) private var users: [UserState]
    // What the slots of a user read, apart from the rest of its state: a slot reaches these for
    // every user at every interval, and an access to a `UserState` may copy it (its request, its
    // transfers and its focus's closure, retained and released) where a field of it is read.
    /// Each user's probes in flight.
    @exclusivity(unchecked) private var inFlightOf: [Int]
    /// Until when each user's focus holds (`UserState.focus`), nil when it has none.
    @exclusivity(unchecked) private var focusUntil: [Duration?]
    /// Each user's id, for the sink.
    private let ids: [String]
    /// The index of each user id, for focus requests.
    private let indices: [String: Int]
    @exclusivity(unchecked) private var schedule: ProbeSchedule?
    @exclusivity(unchecked) private var fine = FocusSchedule()
    @exclusivity(unchecked) private var inFlight = 0
    private let transport: Transport

    /// An engine for `users`, whose requests `prober` rendered as `requests` (one each, in order),
    /// sending through `transport`.
    init(
        users: [TestUser], requests: [Result<HTTPRequest, ProbeRenderFailure>], prober: Prober, clock: any RunClock,
        sink: any ProbeSink, control: ProbeLoopControl, transport: Transport
    ) {
        self.prober = prober
        self.clock = clock
        self.sink = sink
        self.control = control
        self.transport = transport
        limit = prober.spec.inFlightLimit
        self.users = requests.map { UserState(request: $0) }
        inFlightOf = Array(repeating: 0, count: users.count)
        focusUntil = Array(repeating: nil, count: users.count)
        ids = users.map(\.id)
        indices = Dictionary(users.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Each user's first transfer is set up before the schedule starts: set up as the first round
        // falls due, a thousand of them would put the engine behind at once, and the service under
        // test would get the burst of new connections that follows.
        for index in self.users.indices {
            guard case .success(let request) = self.users[index].request,
                let transfer = try? transport.transfer(user: index, request: request)
            else { continue }
            self.users[index].idle.append(transfer)
        }
        if !users.isEmpty {
            schedule = ProbeSchedule(start: clock.now(), interval: prober.spec.interval, users: users.count)
        }
    }

    /// Probes until `control` says stop, then until every probe in flight has been delivered; then
    /// closes the transport.
    ///
    /// Each pass handles the slots due by now before it delivers the answers the last wait read: a
    /// user counts as in flight until the engine has read its answer, as it did when the slots were
    /// handled one wake-up each. The engine sleeps through the slots of users that would not send
    /// (at their in-flight bound, or covered by a focus); those slots are handled, and reported, at
    /// the next wake-up, which comes within half an interval (`wakeTarget`).
    func run() {
        var woken = false
        while true {
            let stopping = control.isStopping
            if woken && !stopping { startFocuses() }
            if !stopping {
                sendDueProbes(clock.now())
                transport.startAdded()
            }
            deliverFinished()
            if stopping && inFlight == 0 { break }
            let now = clock.now()
            woken = transport.wait(until: stopping ? nil : wakeTarget(now), now: now)
        }
        users.removeAll()
        transport.close()
    }

    /// When the engine must run next: at the next slot of a user that would send, at the next fine
    /// slot, and within half an interval in any case, so that no slot waits an interval to be
    /// handled unless the machine stalled the engine (`ProbeSchedule.skipStall`).
    private func wakeTarget(_ now: Duration) -> Duration? {
        guard let schedule else { return nil }
        var target = now + schedule.interval / 2
        if let due = schedule.firstDue(where: { inFlightOf[$0] < limit && focusUntil[$0] == nil }) {
            target = min(target, due)
        }
        if let due = fine.upcoming?.due { target = min(target, due) }
        return target
    }

    // MARK: - Sending

    private func sendDueProbes(_ start: Duration) {
        guard var schedule else { return }
        defer { self.schedule = schedule }
        var now = start
        // Slots skipped after a stall are not reported: no probe was due to be skipped for being in flight.
        _ = schedule.skipStall(now: now)
        // At most one slot per user each pass: a schedule that falls due faster than the loop can
        // send (an interval shorter than a send) must not keep the loop here, away from the transport and
        // from a stop request; the next pass skips what this one could not reach.
        var budget = users.count
        while budget > 0, schedule.upcoming.due <= now {
            let (user, due) = schedule.upcoming
            schedule.advance()
            budget -= 1
            if covered(user, due) { continue }
            // The clock is read again only after a probe went out: a skipped slot takes no time to speak of.
            if send(user, scheduled: due, focus: nil) { now = clock.now() }
        }
        while budget > 0, let slot = fine.popDue(now: now) {
            budget -= 1
            guard let focus = users[slot.user].focus, focus.generation == slot.generation,
                let deadline = focusUntil[slot.user]
            else { continue }
            guard slot.due < deadline else {
                endFocus(of: slot.user)
                continue
            }
            fine.schedule(after: slot, interval: focus.interval, now: now)
            // A fine slot beyond the in-flight bound is left out without being reported: the base
            // slots it stands for are reported when they find the user at its bound (`covered`).
            guard inFlightOf[slot.user] < limit else { continue }
            if send(slot.user, scheduled: slot.due, focus: slot.generation) { now = clock.now() }
        }
    }

    /// Whether a focus covers `user`'s base slot due at `due`, which is then not sent: reported as
    /// skipped only when it would have been (the user at its in-flight bound). A focus past its
    /// deadline ends here.
    private func covered(_ user: Int, _ due: Duration) -> Bool {
        guard let deadline = focusUntil[user] else { return false }
        guard due < deadline else {
            endFocus(of: user)
            return false
        }
        if inFlightOf[user] >= limit { sink.skipped(user: ids[user], scheduled: due) }
        return true
    }

    /// Sends `user`'s probe for the slot due at `scheduled`, or reports the slot skipped (the user at
    /// its in-flight bound) or the probe failed (no request, no transfer). Returns whether a probe
    /// went out.
    private func send(_ index: Int, scheduled: Duration, focus: Int?) -> Bool {
        guard inFlightOf[index] < limit else {
            sink.skipped(user: ids[index], scheduled: scheduled)
            return false
        }
        let sequence = users[index].sent
        users[index].sent += 1
        let transfer: Transport.Transfer
        do throws(HTTPTransportError) {
            if let idle = users[index].idle.popLast() {
                transfer = idle
            } else {
                switch users[index].request {
                case .success(let request): transfer = try transport.transfer(user: index, request: request)
                case .failure(let failure):
                    let now = clock.now()
                    let sample = ProbeSample(sentAt: now, ok: false, failure: failure.reason, lag: now - scheduled)
                    deliver(sample, user: index, sequence: sequence, focus: focus)
                    return false
                }
            }
        } catch {
            let now = clock.now()
            deliver(
                prober.sample(.failure(error), sentAt: now, latency: .zero, lag: now - scheduled), user: index,
                sequence: sequence, focus: focus)
            return false
        }
        let sentAt = clock.now()
        transfer.probe.sequence = sequence
        transfer.probe.sentAt = sentAt
        transfer.probe.lag = sentAt - scheduled
        transfer.probe.focus = focus
        if let error = transport.start(transfer) {
            users[index].idle.append(transfer)
            deliver(
                prober.sample(.failure(error), sentAt: sentAt, latency: .zero, lag: sentAt - scheduled), user: index,
                sequence: sequence, focus: focus)
            return false
        }
        inFlightOf[index] += 1
        inFlight += 1
        return true
    }

    // MARK: - Delivering

    private func deliverFinished() {
        guard inFlight > 0 else { return }
        var now: Duration?
        while let (transfer, outcome) = transport.nextFinished() {
            // One clock reading for the answers of one wake-up: they were all read in it.
            let finishedAt = now ?? clock.now()
            now = finishedAt
            let probe = transfer.probe
            let sample = prober.sample(
                outcome, sentAt: probe.sentAt, latency: finishedAt - probe.sentAt, lag: probe.lag)
            let user = probe.user
            inFlightOf[user] -= 1
            inFlight -= 1
            if users[user].idle.count < Self.idleKept { users[user].idle.append(transfer) }
            deliver(sample, user: user, sequence: probe.sequence, focus: probe.focus)
        }
    }

    /// Hands a finished probe to the sink; a focused one first to its focus's end condition, so that
    /// whoever sees the sample sees the focus ended.
    private func deliver(_ sample: ProbeSample, user: Int, sequence: Int, focus generation: Int?) {
        var sample = sample
        let id = ids[user]
        if let generation {
            sample.focused = true
            if let focus = users[user].focus, focus.generation == generation, focus.ends(id, sample) {
                endFocus(of: user)
            }
        }
        sink.deliver(sample, user: id, sequence: sequence)
    }

    // MARK: - Focus

    /// Sets `user`'s focus, until `deadline`.
    private func setFocus(_ focus: Focus, of user: Int, until deadline: Duration) {
        users[user].focus = focus
        focusUntil[user] = deadline
    }

    private func endFocus(of user: Int) {
        users[user].focus = nil
        focusUntil[user] = nil
    }

    /// Starts the focuses requested since the last wake-up, each replacing any earlier one of its users.
    private func startFocuses() {
        for request in control.takeFocuses() where request.interval > .zero {
            var seen = Set<Int>()
            let targets = request.users.compactMap { indices[$0] }.filter { seen.insert($0).inserted }
            guard !targets.isEmpty else { continue }
            let generation = fine.start(users: targets, interval: request.interval, now: clock.now())
            for user in targets {
                setFocus(
                    Focus(generation: generation, interval: request.interval, ends: request.ends), of: user,
                    until: request.deadline)
            }
        }
    }
}

/// Why a user's probe request could not be rendered; every probe of that user fails with it.
struct ProbeRenderFailure: Error {
    var reason: String
}

extension Prober {
    /// `user`'s request, rendered once for all its probes, or why it could not be.
    func renderedRequest(for user: TestUser) -> Result<HTTPRequest, ProbeRenderFailure> {
        do {
            return .success(try request(for: user).request)
        } catch {
            return .failure(ProbeRenderFailure(reason: "\(error)"))
        }
    }
}
