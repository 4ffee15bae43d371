import GameDayCore
import GameDayRuntime
import Synchronization
import Testing

/// Fine probing (`RunningProbes.focus(_:)`) in the libcurl engine, against real HTTP servers on
/// loopback. In the serialized suite of the engine's other tests (one of them asserts that no engine
/// thread is left). Nothing is timed: each test waits until the engine has delivered what it
/// checks, and the schedule is read from each sample's slot (`sentAt − lag`).
extension CurlMultiProbeLauncherTests {
    /// What a focus's end condition was called with.
    final class EndCalls: Sendable {
        private let calls = Mutex<[String]>([])

        /// Records a call for `user` and returns how many there have been.
        func record(_ user: String) -> Int {
            calls.withLock { calls in
                calls.append(user)
                return calls.count
            }
        }

        var users: [String] { calls.withLock { $0 } }
    }

    static func slot(_ delivery: RecordingSink.Delivery) -> Duration { delivery.sample.sentAt - delivery.sample.lag }

    /// The samples of `user` in sequence order, from `deliveries`.
    static func samples(of user: String, in deliveries: [RecordingSink.Delivery]) -> [RecordingSink.Delivery] {
        deliveries.filter { $0.user == user }.sorted { $0.sequence < $1.sequence }
    }

    /// Whether `user` has had at least `count` base samples after its last focused one.
    static func backToBase(_ user: String, after count: Int) -> @Sendable ([RecordingSink.Delivery]) -> Bool {
        { deliveries in
            let samples = Self.samples(of: user, in: deliveries)
            guard let last = samples.lastIndex(where: { $0.sample.focused }) else { return false }
            return samples[(last + 1)...].count { !$0.sample.focused } >= count
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aFocusedUserIsProbedAtTheFineIntervalUntilItsEndConditionThenAtTheBaseOne() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.unitServer(), serve: "s.serve_forever()")
        let (base, fine) = (Duration.milliseconds(200), Duration.milliseconds(10))
        let prober = Self.prober(port: port, interval: base)
        let sink = RecordingSink()
        let clock = ContinuousRunClock()
        let probes = CurlMultiProbeLauncher().start(users: Self.users, prober: prober, clock: clock, sink: sink)
        await sink.wait { deliveries in Set(deliveries.map(\.user)).count == Self.users.count }

        let calls = EndCalls()
        probes.focus(
            ProbeFocus(users: ["6000", "nobody"], interval: fine, deadline: clock.now() + .seconds(60)) { user, _ in
                calls.record(user) >= 20
            })
        await sink.wait(until: Self.backToBase("6000", after: 2))
        await probes.stop()

        #expect(calls.users.allSatisfy { $0 == "6000" })
        let samples = sink.samples(of: "6000")
        #expect(samples.map(\.sequence) == Array(0..<samples.count))
        #expect(samples.allSatisfy { $0.sample.ok })
        // One spell: base samples, then the focused ones, then base samples again.
        let first = try #require(samples.firstIndex { $0.sample.focused })
        let last = try #require(samples.lastIndex { $0.sample.focused })
        #expect(samples[first...last].allSatisfy { $0.sample.focused })
        // The end condition held at the 20th focused sample; those already in flight came after it.
        let focused = samples[first...last]
        #expect(focused.count >= 20 && focused.count <= 20 + prober.spec.inFlightLimit)
        // Fine slots a whole number of fine intervals apart, most of them next to each other: base ÷
        // fine (here 20) probes in each base interval the focus lasts.
        let slots = focused.map(Self.slot).sorted()
        for (earlier, later) in zip(slots, slots.dropFirst()) {
            let gap = later - earlier
            #expect(gap >= fine && gap == fine * Int((gap / fine).rounded()), "fine slots \(gap) apart")
        }
        let span = try #require(slots.last) - slots[0]
        #expect(Double(slots.count - 1) >= (span / fine) / 2, "\(slots.count) fine probes over \(span)")
        // No base slot was sent while the focus held (until the 20th focused sample was judged).
        let ended = Self.slot(
            try #require(sink.deliveries.filter { $0.user == "6000" && $0.sample.focused }.dropFirst(19).first))
        #expect(samples.filter { !$0.sample.focused }.allSatisfy { Self.slot($0) < slots[0] || Self.slot($0) > ended })
        // The other users were never focused.
        #expect(sink.deliveries.allSatisfy { $0.user == "6000" || !$0.sample.focused })
    }

    @Test(.timeLimit(.minutes(1)))
    func aFocusEndsAtItsDeadline() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.unitServer(), serve: "s.serve_forever()")
        let fine = Duration.milliseconds(10)
        let sink = RecordingSink()
        let clock = ContinuousRunClock()
        let probes = CurlMultiProbeLauncher().start(
            users: [TestUser(id: 50)], prober: Self.prober(port: port, interval: .milliseconds(200)), clock: clock,
            sink: sink)
        await sink.wait { !$0.isEmpty }

        // A second of 10ms slots: on a loaded machine fewer go out, but not none unless the engine's
        // thread stalls for all of it.
        let deadline = clock.now() + .seconds(1)
        probes.focus(ProbeFocus(users: ["50"], interval: fine, deadline: deadline) { _, _ in false })
        await sink.wait { deliveries in
            Self.samples(of: "50", in: deliveries).count { !$0.sample.focused && Self.slot($0) >= deadline } >= 2
        }
        await probes.stop()

        let samples = sink.samples(of: "50")
        #expect(samples.map(\.sequence) == Array(0..<samples.count))
        let focused = samples.filter { $0.sample.focused }
        #expect(!focused.isEmpty)
        // Every fine slot fell before the deadline; no base slot between the first fine one and it.
        let firstFine = try #require(focused.map(Self.slot).min())
        #expect(focused.allSatisfy { Self.slot($0) < deadline })
        #expect(
            samples.filter { !$0.sample.focused }.allSatisfy { Self.slot($0) < firstFine || Self.slot($0) >= deadline })
    }

    @Test(.timeLimit(.minutes(1)))
    func theInFlightBoundHoldsForAFocusedUser() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.silentServer, serve: Self.holdConnections)
        let base = Duration.milliseconds(50)
        let sink = RecordingSink()
        let clock = ContinuousRunClock()
        let probes = CurlMultiProbeLauncher().start(
            users: [TestUser(id: 50)],
            prober: Self.prober(port: port, interval: base, timeout: .seconds(1), maxInFlight: 2), clock: clock,
            sink: sink)
        probes.focus(
            ProbeFocus(users: ["50"], interval: .milliseconds(5), deadline: clock.now() + .seconds(60)) { _, _ in
                false
            })
        // The two probes in flight time out; the user's slots meanwhile found it at its bound.
        await sink.wait { $0.count >= 2 }
        await probes.stop()

        let samples = sink.samples(of: "50")
        #expect(samples.map(\.sequence) == Array(0..<samples.count))
        #expect(samples.allSatisfy { $0.sample.failure == "timeout" })
        // Never more than two in flight at once.
        for sample in samples.map(\.sample) {
            let overlapping = samples.map(\.sample).count { other in
                other.sentAt <= sample.sentAt && sample.sentAt < other.sentAt + other.latency
            }
            #expect(overlapping <= 2)
        }
        // Only base slots are reported skipped (the fine slots beyond the bound are left out): each a
        // whole number of base intervals from the first.
        let skipped = sink.skipped.map(\.scheduled)
        #expect(!skipped.isEmpty)
        for scheduled in skipped {
            let gap = scheduled - skipped[0]
            #expect(gap == base * Int((gap / base).rounded()), "a skipped slot \(gap) from the first")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func samplesAreJudgedOnTheHeadersAndTheBodyTheDrillReads() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let server = Self.unitServer().replacingOccurrences(
            of: "body = b'{\"ok\":true}'", with: "body = b'{\"ok\":true,\"unit\":\"beijing\"}'"
        ).replacingOccurrences(
            of: "self.send_header('X-Unit',",
            with:
                "self.send_header('X-Other', 'x' * 100); self.send_header('x-COLOR', 'blue'); self.send_header('X-Unit',"
        )
        let (_, port) = try await scratch.listen(setup: server, serve: "s.serve_forever()")

        func judged(_ success: SuccessCriteria, unitFrom: UnitSource) async -> [RecordingSink.Delivery] {
            var prober = Self.prober(port: port)
            prober = Prober(
                spec: {
                    var spec = prober.spec
                    spec.success = success
                    spec.unitFrom = unitFrom
                    return spec
                }(), transport: prober.transport, context: prober.context)
            let sink = RecordingSink()
            let probes = CurlMultiProbeLauncher().start(
                users: [TestUser(id: 50)], prober: prober, clock: ContinuousRunClock(), sink: sink)
            await sink.wait { $0.count >= 3 }
            await probes.stop()
            return sink.deliveries
        }

        let kept = await judged(
            SuccessCriteria(headers: ["X-Color": "blue"], bodyContains: ["\"ok\":true"]),
            unitFrom: .body(try JSONPointer("/unit")))
        #expect(kept.allSatisfy { $0.sample.ok && $0.sample.unit == "beijing" }, "\(kept.map(\.sample.failure))")
        let failed = await judged(SuccessCriteria(headers: ["x-color": "red"]), unitFrom: .header("x-unit"))
        #expect(
            failed.allSatisfy {
                $0.sample.failure == "header x-color is blue, expected red" && $0.sample.unit == "hangzhou"
            }, "\(failed.map(\.sample.failure))")
    }
}
