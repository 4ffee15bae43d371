import GameDayCore
import GameDayTestSupport
import Synchronization
import Testing

/// `RunningProbes.focus(_:)` in the task engine, against the in-memory storefront. No assertion
/// depends on the machine's speed: each test waits for the deliveries that prove its point, and
/// judges the schedule by sequence numbers and slots, never by the wall clock.
@Suite(.timeLimit(.minutes(1))) struct TaskProbeFocusTests {
    static let beijing = TestUser(id: 6000, home: "beijing", impact: .fail, recoversOn: "hangzhou")
    static let hangzhou = TestUser(id: 50, home: "hangzhou")

    static func prober(
        _ transport: any HTTPTransport, interval: Duration, timeout: Duration = .seconds(1), maxInFlight: Int? = nil
    ) -> Prober {
        Prober(
            spec: ProbeSpec(
                interval: interval, timeout: timeout,
                request: RequestTemplate(
                    url: Template(stringLiteral: FakeStorefront.gateway + "/storefront?userId={{user.id}}")),
                maxInFlight: maxInFlight),
            transport: transport, context: TemplateContext(environment: { _ in nil }))
    }

    /// The engine started on both users, once each has had a probe answered (so the next base slot
    /// is a whole interval away when the test focuses).
    static func start(_ prober: Prober, sink: any ProbeSink, waiting: WaitingSink, clock: any RunClock) async
        -> any RunningProbes
    {
        let probes = TaskProbeLauncher().start(
            users: [beijing, hangzhou], prober: prober, clock: clock, sink: TeeProbeSink([sink, waiting]))
        _ = await waiting.wait { seen in !seen.samples(of: "6000").isEmpty && !seen.samples(of: "50").isEmpty }
        return probes
    }

    @Test func aFocusedUsersSamplesAreMarkedCountedAndEndWhereItsConditionSays() async {
        let clock = ContinuousRunClock()
        let store = SampleStore(
            users: [Self.beijing, Self.hangzhou], home: { $0.home }, recovery: .consecutive(3),
            guardrail: .consecutive(3), bucket: .milliseconds(100), reporter: EventLog())
        let waiting = WaitingSink()
        let prober = Self.prober(FakeStorefront(), interval: .milliseconds(200))
        let probes = await Self.start(prober, sink: store, waiting: waiting, clock: clock)
        // What the condition was shown: (user, focused) per call. It runs on the engine's tasks, where
        // an expectation would belong to no test.
        let judged = Mutex<[(String, Bool)]>([])
        probes.focus(
            ProbeFocus(users: ["6000", "7777"], interval: .milliseconds(2), deadline: clock.now() + .seconds(60)) {
                user, sample in
                judged.withLock { calls in
                    calls.append((user, sample.focused))
                    return calls.count >= 5
                }
            })
        // Back at the base interval: a probe of 6000 that is not focused, after focused ones.
        let seen = await waiting.wait { seen in
            let samples = seen.samples(of: "6000")
            guard let last = samples.lastIndex(where: \.focused) else { return false }
            return samples[last...].contains { !$0.focused }
        }
        await probes.stop()

        let calls = judged.withLock { $0 }
        #expect(calls.allSatisfy { $0.0 == "6000" && $0.1 }, "only focused samples of the focused user are judged")
        // Answers that came together may both be judged before the focus ends; never many more.
        #expect(calls.count >= 5 && calls.count <= 5 + prober.spec.inFlightLimit, "\(calls.count) judged")
        let samples = seen.samples(of: "6000")
        let focused = samples.indices.filter { samples[$0].focused }
        // Only probes already sent when the fifth answer came can follow it.
        #expect(focused.count >= 5 && focused.count <= 5 + prober.spec.inFlightLimit, "\(focused.count) focused")
        #expect(focused == Array(focused[0]...focused[focused.count - 1]), "the base slots were left out meanwhile")
        #expect(seen.sequences(of: "6000") == Array(0..<seen.sequences(of: "6000").count), "one gap-free sequence")
        #expect(seen.samples(of: "50").allSatisfy { !$0.focused }, "a user not named is not focused")
        let snapshot = store.snapshot()
        #expect(snapshot.users["6000"]?.focused == waiting.seen.samples(of: "6000").count { $0.focused })
        #expect(snapshot.users["50"]?.focused == 0)
    }

    @Test func aFocusEndsAtItsDeadline() async {
        let clock = ContinuousRunClock()
        let waiting = WaitingSink()
        let probes = await Self.start(
            Self.prober(FakeStorefront(), interval: .milliseconds(150)), sink: WaitingSink(), waiting: waiting,
            clock: clock)
        let deadline = clock.now() + .milliseconds(40)
        probes.focus(ProbeFocus(users: ["6000"], interval: .milliseconds(3), deadline: deadline) { _, _ in false })
        let focusing = clock.now()
        // Back at the base interval after the deadline: the wait ends on a base slot due after it.
        let seen = await waiting.wait { seen in
            seen.samples(of: "6000").contains { !$0.focused && $0.sentAt - $0.lag >= deadline }
        }
        await probes.stop()

        // How many fine probes fit before the deadline depends on the machine; what holds on any:
        let samples = seen.samples(of: "6000")
        #expect(
            samples.filter(\.focused).allSatisfy { $0.sentAt - $0.lag < deadline },
            "no focused slot at or after the deadline")
        // A base slot due once focus() had returned, and sent before the deadline, was checked while
        // the focus held: it must not have been sent.
        #expect(
            !samples.contains { !$0.focused && $0.sentAt - $0.lag >= focusing && $0.sentAt < deadline },
            "no base probe while the focus held")
    }

    @Test func theInFlightBoundHoldsWhileFocused() async {
        let gate = GateTransport()
        let clock = ContinuousRunClock()
        let waiting = WaitingSink()
        let probes = TaskProbeLauncher().start(
            users: [Self.beijing], prober: Self.prober(gate, interval: .milliseconds(20), maxInFlight: 2),
            clock: clock, sink: waiting)
        probes.focus(
            ProbeFocus(users: ["6000"], interval: .milliseconds(1), deadline: clock.now() + .seconds(60)) { _, _ in
                false
            })
        // A base slot while focused and full counts as skipped, as it would have been.
        _ = await waiting.wait { !$0.skipped.isEmpty }
        #expect(gate.most == 2, "at most max_in_flight probes in flight, focused or not")
        gate.open()
        let seen = await waiting.wait { $0.samples(of: "6000").contains(where: \.focused) }
        await probes.stop()
        #expect(gate.most == 2)
        #expect(seen.skipped.allSatisfy { $0.user == "6000" })
    }

    @Test func aFocusAfterStopStartsNothing() async {
        let clock = ContinuousRunClock()
        let waiting = WaitingSink()
        let probes = await Self.start(
            Self.prober(FakeStorefront(), interval: .milliseconds(50)), sink: WaitingSink(), waiting: waiting,
            clock: clock)
        await probes.stop()
        let before = waiting.seen.deliveries.count
        probes.focus(ProbeFocus(users: ["6000"], interval: .milliseconds(1), deadline: .seconds(60)) { _, _ in false })
        await probes.stop()
        #expect(waiting.seen.deliveries.count == before)
    }
}

/// Holds every request until opened, counting how many were held at once (at most).
final class GateTransport: HTTPTransport {
    private let state = Mutex<(held: Int, most: Int, open: Bool, waiting: [CheckedContinuation<Void, Never>])>(
        (0, 0, false, []))

    var most: Int { state.withLock { $0.most } }

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        await withCheckedContinuation { continuation in
            let pass = state.withLock { state in
                state.held += 1
                state.most = max(state.most, state.held)
                if state.open { return true }
                state.waiting.append(continuation)
                return false
            }
            if pass { continuation.resume() }
        }
        state.withLock { $0.held -= 1 }
        return HTTPResponse(status: 200, headers: [("X-Unit", "beijing")])
    }

    /// Lets every held request and every later one through.
    func open() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}
