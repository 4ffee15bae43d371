import GameDayCore
import GameDayTestSupport
import Synchronization
import Testing

/// The streaming sample store: samples folded in send order, marks, checks, groups, aggregates.
@Suite struct SampleStoreTests {
    static let beijing = TestUser(id: 6000, name: "bj", home: "beijing", impact: .fail, recoversOn: "hangzhou")
    static let hangzhou = TestUser(id: 50, name: "hz", home: "hangzhou", impact: .none)

    static func store(
        _ users: [TestUser] = [beijing, hangzhou], guardrail: SuccessWindow = .consecutive(3),
        reporter: EventLog = EventLog(), raw: (any ProbeSink)? = nil
    ) -> SampleStore {
        SampleStore(
            users: users, home: { $0.home }, recovery: .consecutive(3), guardrail: guardrail,
            bucket: .milliseconds(100), reporter: reporter, raw: raw)
    }

    static func sample(_ ms: Int, ok: Bool = true, unit: String? = "beijing", latency: Int = 2) -> ProbeSample {
        ProbeSample(
            sentAt: .milliseconds(ms), latency: .milliseconds(latency), status: ok ? 200 : 503, unit: unit, ok: ok,
            failure: ok ? nil : "status 503",
            timings: HTTPTimings(
                connect: .microseconds(100), firstByte: .milliseconds(1), total: .milliseconds(latency)))
    }

    @Test func answersArrivingOutOfOrderAreFoldedInSendOrder() {
        let events = EventLog()
        let store = Self.store([Self.beijing], reporter: events)
        // Sequence 1 (failed) overtakes sequence 0 (ok); then 2 comes back ok.
        store.deliver(Self.sample(100, ok: false), user: "6000", sequence: 1)
        #expect(events.lines.isEmpty, "nothing is folded while sequence 0 is missing")
        store.deliver(Self.sample(0), user: "6000", sequence: 0)
        store.deliver(Self.sample(200), user: "6000", sequence: 2)
        #expect(events.lines == ["user 6000 ok beijing", "user 6000 failing beijing", "user 6000 ok beijing"])
        let user = store.snapshot().users["6000"]!
        #expect(user.samples == 3)
        #expect(user.segments.map(\.ok) == [true, false, true])
        #expect(user.segments.map(\.samples) == [1, 1, 1])
    }

    @Test func aDuplicateSequenceIsIgnored() {
        let store = Self.store([Self.beijing])
        store.deliver(Self.sample(0), user: "6000", sequence: 0)
        store.deliver(Self.sample(0, ok: false), user: "6000", sequence: 0)
        #expect(store.snapshot().users["6000"]!.samples == 1)
    }

    @Test func theImpactCountsFromTheFaultMarkAndRecoversOnTheNewUnit() {
        let clock = InstantClock()
        let store = Self.store([Self.beijing])
        var sequence = 0
        func feed(_ pattern: String, from start: Int) {
            for (index, mark) in pattern.enumerated() {
                let at = start + 100 * index
                let sample =
                    switch mark {
                    case "x": Self.sample(at, ok: false)
                    case "h": Self.sample(at, unit: "hangzhou")
                    default: Self.sample(at)
                    }
                store.deliver(sample, user: "6000", sequence: sequence)
                sequence += 1
            }
        }
        feed("xx...", from: 0)  // failures before the fault are not impact
        clock.advance(by: .milliseconds(450))
        #expect(store.markFault(clock) == .milliseconds(450))
        feed("xxxhhh", from: 500)
        #expect(store.allExpectedFailuresSeen())
        #expect(store.allRecovered())
        let impact = store.snapshot().users["6000"]!.impact!
        #expect(impact.firstFailure == .milliseconds(500))
        #expect(impact.failures == 3)
        #expect(impact.recovered == .milliseconds(800))
        #expect(impact.confirmed == .milliseconds(1002))
    }

    @Test func theGuardrailTripsOnKOfTheLastNProbesOfAnUnaffectedUser() {
        let clock = InstantClock()
        let store = Self.store([Self.hangzhou], guardrail: .kOfN(k: 2, n: 4))
        _ = store.markFault(clock)
        for (index, ok) in [true, false, true, true, true].enumerated() {
            store.deliver(Self.sample(100 * index, ok: ok, unit: "hangzhou"), user: "50", sequence: index)
        }
        #expect(store.blastRadiusBreach() == nil, "one failure in four is under the threshold")
        store.deliver(Self.sample(500, ok: false, unit: "hangzhou"), user: "50", sequence: 5)
        #expect(store.blastRadiusBreach() == nil, "the first failure fell out of the last four")
        store.deliver(Self.sample(600, ok: false, unit: "hangzhou"), user: "50", sequence: 6)
        let breach = try? #require(store.blastRadiusBreach())
        #expect(
            breach
                == "user 50 (hz), expected unaffected, failed 2 of its last 4 probes up to +600ms (status 503); its first failure since the fault was at +100ms"
        )
        // Checked later, after more failures, it still says how it was when it tripped.
        store.deliver(Self.sample(700, ok: false, unit: "hangzhou"), user: "50", sequence: 7)
        #expect(store.blastRadiusBreach() == breach)
    }

    @Test func theSteadyStateNeedsAnAnswerNoFailureAndTheHomeUnit() {
        let store = Self.store()
        #expect(store.steadyProblem(since: .zero) == "user 6000 got no answer to any probe")
        store.deliver(Self.sample(0), user: "6000", sequence: 0)
        store.deliver(Self.sample(0, unit: "beijing"), user: "50", sequence: 0)
        #expect(store.steadyProblem(since: .zero) == "user 50 was served by beijing instead of hangzhou")
        store.deliver(Self.sample(100, unit: "hangzhou"), user: "50", sequence: 1)
        #expect(store.steadyProblem(since: .milliseconds(100)) == "user 6000 got no answer to any probe")
        store.deliver(Self.sample(100, ok: false), user: "6000", sequence: 1)
        #expect(store.steadyProblem(since: .milliseconds(100)) == "user 6000 failed at +100ms (status 503)")
        store.deliver(Self.sample(200), user: "6000", sequence: 2)
        store.deliver(Self.sample(200, unit: "hangzhou"), user: "50", sequence: 2)
        #expect(store.steadyProblem(since: .milliseconds(200)) == nil)
        #expect(store.everyUserAnswered(since: .milliseconds(200)))
        #expect(!store.everyUserAnswered(since: .milliseconds(201)))
    }

    @Test func groupsGetSuccessBucketsAndTimingsPerPhase() throws {
        let clock = InstantClock()
        let users = (0..<3).map { TestUser(id: 5000 + $0, home: "beijing", group: "bj") } + [Self.hangzhou]
        let store = Self.store(users)
        _ = store.beginPhase(.steadyState, clock)
        for id in 5000..<5003 { store.deliver(Self.sample(0, latency: 4), user: "\(id)", sequence: 0) }
        clock.advance(by: .milliseconds(100))
        _ = store.beginPhase(.observe, clock)
        for id in 5000..<5003 { store.deliver(Self.sample(150, ok: id != 5000), user: "\(id)", sequence: 1) }
        store.skipped(user: "5001", scheduled: .milliseconds(250))
        let snapshot = store.snapshot()
        #expect(snapshot.groups.map(\.name) == ["bj", "hz"])
        let group = try #require(snapshot.groups.first)
        #expect(group.buckets.map(\.fromMs) == [0, 100])
        #expect(group.buckets.map(\.ok) == [3, 2])
        #expect(group.buckets.map(\.failed) == [0, 1])
        #expect(group.buckets[0].units == ["beijing": 3])
        #expect(group.timings.map(\.phase) == [.steadyState, .observe])
        let steady = group.timings[0].timings
        #expect(steady.samples == 3)
        #expect(abs(steady.totalMs.p50 - 4) < 0.05)
        #expect(abs(steady.connectMs.max - 0.1) < 0.005)
        let observe = group.timings[1].timings
        #expect(observe.failed == 1)
        #expect(observe.failures == ["status 503": 1])
        #expect(observe.skipped == 1)
        #expect(snapshot.users["5001"]?.skipped == 1)
    }

    @Test func aSteadyUserCostsOneSegmentHoweverManySamples() {
        let store = Self.store([Self.beijing])
        for index in 0..<50_000 { store.deliver(Self.sample(100 * index), user: "6000", sequence: index) }
        let user = store.snapshot().users["6000"]!
        #expect(user.samples == 50_000)
        #expect(user.segments.count == 1)
        #expect(store.snapshot().groups[0].timings[0].timings.samples == 50_000)
    }

    @Test func aFlappingUserHasItsTimelineCutShortAndSaysSo() {
        let store = Self.store([Self.beijing])
        let count = SampleStore.segmentLimit + 100
        for index in 0..<count {
            store.deliver(Self.sample(10 * index, ok: index % 2 == 0), user: "6000", sequence: index)
        }
        let user = store.snapshot().users["6000"]!
        #expect(user.segments.count == SampleStore.segmentLimit)
        #expect(user.truncatedSamples > 0)
        #expect(user.samples == count)
    }

    @Test func aSequenceThatNeverComesIsGivenUpPastTheReorderLimit() {
        let store = Self.store([Self.beijing])
        // Sequence 0 is lost by the engine: the store waits, then folds from the next one it has.
        for sequence in 1...4_097 { store.deliver(Self.sample(100 * sequence), user: "6000", sequence: sequence) }
        #expect(store.snapshot().users["6000"]!.samples == 4_097)
        store.deliver(Self.sample(0, ok: false), user: "6000", sequence: 0)
        #expect(store.snapshot().users["6000"]!.samples == 4_097, "a sequence already given up is not folded late")
    }

    @Test func theInFlightBoundDefaultsToOneTimeoutOfSlots() throws {
        let request = RequestTemplate(url: "http://x")
        #expect(ProbeSpec(interval: .milliseconds(100), timeout: .seconds(1), request: request).inFlightLimit == 10)
        #expect(ProbeSpec(interval: .milliseconds(300), timeout: .seconds(1), request: request).inFlightLimit == 4)
        #expect(ProbeSpec(interval: .seconds(2), timeout: .seconds(1), request: request).inFlightLimit == 1)
        #expect(ProbeSpec(request: request, maxInFlight: 2).inFlightLimit == 2)
        let drill = try DrillLoader.parseDrill(
            yaml: """
                drill: d
                probe: { max_in_flight: 3, request: { url: "{{gateway.url}}/s?u={{user.id}}" } }
                users: [{ id: 6000 }]
                faults: [{ name: f, kind: kill-process, unit: beijing, service: product }]
                """, file: "d.yaml")
        #expect(drill.probe.maxInFlight == 3)
        #expect {
            try DrillLoader.parseDrill(
                yaml: """
                    drill: d
                    probe: { max_in_flight: 0, request: { url: "{{gateway.url}}/s?u={{user.id}}" } }
                    users: [{ id: 6000 }]
                    faults: [{ name: f, kind: kill-process, unit: beijing, service: product }]
                    """, file: "d.yaml")
        } throws: { error in "\(error)".contains("a number of probes in flight per user (1 to 1000)") }
    }

    @Test func rawSamplesAreTeedToTheRawSink() {
        let raw = CollectingSink()
        let store = Self.store([Self.beijing], raw: raw)
        store.deliver(Self.sample(0), user: "6000", sequence: 0)
        store.skipped(user: "6000", scheduled: .milliseconds(100))
        #expect(raw.lines == ["6000#0 ok", "6000 skipped +100ms"])
    }
}

/// Remembers what a probe engine delivered, as text.
final class CollectingSink: ProbeSink {
    private let state = Mutex<[String]>([])

    func deliver(_ sample: ProbeSample, user: String, sequence: Int) {
        state.withLock { $0.append("\(user)#\(sequence) \(sample.ok ? "ok" : "failed")") }
    }

    func skipped(user: String, scheduled: Duration) {
        state.withLock { $0.append("\(user) skipped +\(Int(scheduled.milliseconds))ms") }
    }

    var lines: [String] { state.withLock { $0 } }
}
