import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The runner's phases and verdicts against an in-memory storefront (fakes for logic only;
/// the end-to-end tests run the same drills against the real lab).
@Suite struct DrillRunnerTests {
    static let target = FakeDrill.target

    static func drill(rto: Duration = .seconds(5), cutover: Bool = true, userImpact: ImpactExpectation = .fail) -> Drill
    {
        FakeDrill.drill(rto: rto, cutover: cutover, userImpact: userImpact)
    }

    static func run(
        _ drill: Drill, storefront: FakeStorefront = FakeStorefront(), faults: (any FaultDriver)? = nil,
        token: String? = "s3cret", log: EventLog = EventLog(), raw: (any ProbeSink)? = nil,
        clock: any RunClock = ContinuousRunClock(), interruption: RunInterruption = RunInterruption(),
        ledger: (any FaultLedger)? = nil, transport: (any HTTPTransport)? = nil
    ) async -> (RunResult, any FaultDriver, EventLog) {
        let driver = faults ?? FakeFaultDriver(storefront: storefront)
        let env = RunEnvironment(
            transport: transport ?? storefront, faults: driver, clock: clock,
            wallClock: { 1_800_000_000_000 + $0.milliseconds },
            environment: { $0 == "FAKE_TOKEN" ? token : nil }, files: MemoryFileSystem(), reporter: log, runId: "test",
            ledger: ledger ?? MemoryLedger(transport: storefront), rawSamples: raw, interruption: interruption)
        let result = await DrillRunner(drill: drill, target: target, environment: env).run()
        return (result, driver, log)
    }

    static func verdict(_ result: RunResult, _ name: String) -> Verdict.Status? {
        result.verdicts.first { $0.name == name }?.status
    }

    @Test func aStrongDependencyDrillPassesAndMeasuresTheRTO() async throws {
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront)
        let (result, _, _) = await Self.run(Self.drill(), storefront: storefront, faults: driver)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(result.exitCode == 0)
        #expect(
            result.verdicts.map(\.name) == [
                "preflight", "steady_state", "faults_applied", "impact", "blast_radius", "cutover", "cutover_seen",
                "recovery",
                "rollback",
            ])
        #expect(result.verdicts.allSatisfy { $0.status == .pass })
        #expect(driver.calls == ["apply product-down", "revert product-down"])
        let user = try #require(result.users.first { $0.id == "6000" })
        #expect(user.impacted)
        #expect(user.servedBefore == "beijing")
        #expect(user.servedAfter == "hangzhou")
        let bystander = try #require(result.users.first { $0.id == "50" })
        #expect(bystander.failures == 0)
        let rto = try #require(result.rto)
        let measured = try #require(rto.measuredMs)
        #expect(rto.met)
        // The breakdown adds up to the measurement.
        let parts = [rto.detectMs, rto.decideMs, rto.switchMs, rto.convergeMs].compactMap { $0 }
        #expect(parts.count == 4)
        // Each part is rounded to the microsecond.
        #expect(abs(parts.reduce(0, +) - measured) < 0.005)
        let timeline = result.timeline
        #expect(try #require(timeline.fault?.ms) <= (try #require(timeline.detect?.ms)))
        #expect(try #require(timeline.cutoverStart?.ms) <= (try #require(timeline.cutoverDone?.ms)))
        #expect(try #require(timeline.recovered?.ms) <= (try #require(timeline.confirmed?.ms)))
        // The routing was cut back and the fault mended.
        #expect(storefront.state.withLock { $0.overrides.isEmpty && $0.brokenUnits.isEmpty })
        #expect(result.cutover?.request?.headers["Authorization"] == "Bearer ***")
    }

    @Test func aCutOverTheProbesNeverSeeIsAFailureOfItsOwn() async throws {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.ignoreCutovers = true }
        var drill = Self.drill()
        drill.recovery = RecoverySpec(rto: .seconds(5), window: .consecutive(3), timeout: .seconds(2))
        let (result, _, _) = await Self.run(drill, storefront: storefront)
        #expect(result.outcome == .fail)
        #expect(Self.verdict(result, "cutover") == .pass)
        #expect(Self.verdict(result, "cutover_seen") == .fail)
        let message = try #require(result.verdicts.first { $0.name == "cutover_seen" }?.message)
        #expect(message.contains("but user 6000 was never served by hangzhou (still beijing,"), "\(message)")
        #expect(Self.verdict(result, "recovery") == .fail)
    }

    @Test func aCanaryRequestThatCannotRenderStopsThePreflightBeforeAnyFault() async throws {
        var drill = Self.drill()
        drill.rpo = CanarySpec(
            write: RequestTemplate(method: "POST", url: "{{gateway.url}}/orders?userId={{user.id}}&key=${CANARY_KEY}"),
            read: RequestTemplate(url: "{{gateway.url}}/orders?userId={{user.id}}"))
        let (result, driver, _) = await Self.run(drill)
        #expect(result.outcome == .error)
        #expect(
            result.reason?.contains("the canary write of user 6000 cannot be rendered") == true,
            "\(result.reason ?? "")")
        #expect(result.reason?.contains("CANARY_KEY") == true, "\(result.reason ?? "")")
        #expect((driver as? FakeFaultDriver)?.calls == [])
    }

    @Test func anRTOThatCannotBeMetFailsTheRecoveryVerdictAndSaysByHowMuch() async throws {
        let (result, _, _) = await Self.run(Self.drill(rto: .milliseconds(1)))
        #expect(result.outcome == .fail)
        #expect(result.exitCode == 1)
        #expect(Self.verdict(result, "recovery") == .fail)
        let message = try #require(result.verdicts.first { $0.name == "recovery" }?.message)
        #expect(message.contains("against a goal of 1ms: the goal was missed by"))
        #expect(result.reason?.contains("recovery:") == true)
        #expect(Self.verdict(result, "rollback") == .pass)
    }

    @Test func aBreachedBlastRadiusAbortsAndRevertsAtOnce() async throws {
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront)
        // user 50 starts failing as soon as the fault is in: simulate with a fault that breaks hangzhou too.
        // A long observation, so the guard trips before any cut-over however slow the machine is.
        var drill = Self.drill()
        drill.observe = ObserveSpec(duration: .seconds(10), timeout: .seconds(20))
        let (result, _, _) = await Self.run(
            drill, storefront: storefront, faults: BreakEverythingDriver(storefront: storefront, inner: driver))
        #expect(result.outcome == .fail)
        #expect(result.reason?.hasPrefix("blast radius breached: user 50") == true)
        #expect(Self.verdict(result, "blast_radius") == .fail)
        #expect(Self.verdict(result, "cutover") == .skipped)
        #expect(driver.calls == ["apply product-down", "revert product-down"])
        #expect(storefront.state.withLock { $0.brokenUnits.isEmpty })
    }

    @Test func aKOfNGuardrailCatchesAFlappingBystanderThatConsecutiveCountingMisses() async throws {
        // User 50 fails every other probe while the fault is in: never three in a row.
        var drill = Self.drill()
        drill.observe = ObserveSpec(duration: .seconds(1), timeout: .seconds(10))
        let lenient = FakeStorefront()
        lenient.state.withLock { $0.flapping = [50] }
        let (passed, _, _) = await Self.run(drill, storefront: lenient)
        #expect(passed.reason?.hasPrefix("blast radius breached") != true)
        #expect(Self.verdict(passed, "blast_radius") == .fail, "it still failed, so the verdict says so")

        drill.guardrail = .kOfN(k: 3, n: 10)
        // A long observation, so the guard trips before any cut-over however starved the machine is.
        drill.observe = ObserveSpec(duration: .seconds(10), timeout: .seconds(20))
        let strict = FakeStorefront()
        strict.state.withLock { $0.flapping = [50] }
        let (aborted, _, _) = await Self.run(drill, storefront: strict)
        let reason = try #require(aborted.reason)
        // Exactly k failures: the guardrail tripped at the third, however late the check saw it. With
        // every other probe failing that is 5 or 6 probes, depending on which came first after the fault.
        let tripped = ["5", "6"].contains { seen in
            reason.hasPrefix(
                "blast radius breached: user 50 (user-50), expected unaffected, failed 3 of its last \(seen) probes ")
        }
        #expect(tripped, "\(reason)")
        #expect(Self.verdict(aborted, "cutover") == .skipped)
        #expect(strict.state.withLock { $0.brokenUnits.isEmpty })
    }

    @Test func aFaultThatDoesNotApplyStopsTheRunWithNothingLeftApplied() async {
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront, failApply: true)
        let (result, _, _) = await Self.run(Self.drill(), storefront: storefront, faults: driver)
        #expect(result.outcome == .error)
        #expect(result.exitCode == 3)
        #expect(result.reason == "fault product-down did not take effect: the fake fault would not apply")
        // Whatever half-happened was reverted through the ledger, as every fault is.
        #expect(driver.calls == ["apply product-down", "revert product-down"])
        #expect(result.faults.first?.state == .reverted)
        #expect(result.faults.first?.revert == "POST \(FakeStorefront.faults)/mend/beijing/product-down → 200")
    }

    @Test func aFailedRevertFailsTheRollbackVerdictWithWhatToDo() async {
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront, failRevert: true)
        let (result, _, log) = await Self.run(Self.drill(), storefront: storefront, faults: driver)
        #expect(result.outcome == .fail)
        #expect(Self.verdict(result, "rollback") == .fail)
        #expect(result.faults.first?.state == .revertFailed)
        #expect(
            log.lines.contains(
                "problem fault product-down NOT reverted: POST \(FakeStorefront.faults)/mend/beijing/product-down?fail answered 500: the fake fault would not revert"
            ))
    }

    @Test func anUnhealthySteadyStateAppliesNoFault() async {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.alwaysFailing = [50] }
        let driver = FakeFaultDriver(storefront: storefront)
        let (result, _, _) = await Self.run(Self.drill(), storefront: storefront, faults: driver)
        #expect(result.outcome == .fail)
        #expect(Self.verdict(result, "steady_state") == .fail)
        #expect(driver.calls.isEmpty)
        #expect(result.reason?.hasPrefix("the steady state was not healthy: user 50 failed") == true)
    }

    @Test func aUserRoutedElsewhereThanTheRuleSaysStopsThePreflight() async {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.overrides = [6000: "hangzhou"] }
        let driver = FakeFaultDriver(storefront: storefront)
        let (result, _, _) = await Self.run(Self.drill(), storefront: storefront, faults: driver)
        #expect(result.outcome == .error)
        #expect(
            result.reason?.hasPrefix("user 6000 is served by hangzhou, but the routing rule sends it to beijing")
                == true)
        #expect(driver.calls.isEmpty)
    }

    @Test func aMissingTokenStopsThePreflightAndSaysWhichVariable() async {
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront)
        let (result, _, _) = await Self.run(Self.drill(), storefront: storefront, faults: driver, token: nil)
        #expect(result.outcome == .error)
        #expect(
            result.reason
                == "the control plane token is read from the environment variable FAKE_TOKEN, which is not set: export it and run again"
        )
        #expect(driver.calls.isEmpty)
    }

    @Test func anExpectedImpactThatNeverComesFailsTheImpactVerdict() async {
        // A weak dependency drill that wrongly expects beijing's user to fail.
        let storefront = FakeStorefront()
        var drill = Self.drill(cutover: false)
        drill.observe = ObserveSpec(duration: .milliseconds(100), timeout: .seconds(1))
        let (result, _, _) = await Self.run(drill, storefront: storefront, faults: NoOpDriver())
        #expect(result.outcome == .fail)
        #expect(Self.verdict(result, "impact") == .fail)
    }

    @Test func cancellingTheRunRevertsEveryFaultAndReportsAborted() async throws {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.pollState = "sync_wait" }  // the cut-over never finishes
        let driver = FakeFaultDriver(storefront: storefront)
        let task = Task { await Self.run(Self.drill(), storefront: storefront, faults: driver) }
        let deadline = ContinuousClock.now + .seconds(20)
        while !driver.calls.contains("apply product-down"), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        try #require(driver.calls.contains("apply product-down"), "the fault was never applied")
        try? await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let (result, _, _) = await task.value
        #expect(result.outcome == .aborted)
        #expect(result.exitCode == 4)
        #expect(driver.calls == ["apply product-down", "revert product-down"])
        #expect(storefront.state.withLock { $0.brokenUnits.isEmpty })
        #expect(result.faults.first?.state == .reverted)
    }
}

/// Breaks every unit: a fault whose blast radius is larger than the drill thinks.
struct BreakEverythingDriver: FaultDriver {
    let storefront: FakeStorefront
    let inner: FakeFaultDriver

    func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan { inner.plan(fault, in: target) }
    func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String { "ok" }
    func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        let inner = try ReadyFault.of(try await inner.prepare(fault, in: target))
        let mend = "\(FakeStorefront.faults)/mend/\(fault.unit),hangzhou/\(fault.name)"
        let recipe = RevertRecipe(steps: [.http(method: "POST", url: mend, body: nil, okStatuses: [200])])
        return ReadyFault(spec: fault, plan: inner.plan, found: inner.found, recipe: recipe) {
            [storefront] moment async throws(FaultError) in
            let applied = try await inner.apply(moment)
            _ = storefront.state.withLock { $0.brokenUnits.insert("hangzhou") }
            return applied
        }
    }
}

/// A fault that does nothing at all.
struct NoOpDriver: FaultDriver {
    func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        FaultPlan(
            name: fault.name, kind: "noop", unit: fault.unit, service: fault.service, executor: "fake", locate: "-",
            apply: [], revert: [], proof: "-")
    }
    func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String { "ok" }
    func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        NoOp(spec: fault, plan: plan(fault, in: target))
    }
}

/// The fault of `NoOpDriver`.
struct NoOp: InMemoryRevertible {
    var spec: FaultSpec
    var plan: FaultPlan

    func apply(_ moment: FaultMoment) async throws(FaultError) -> AppliedFault {
        await moment.effect {}
        return AppliedFault(spec: spec, plan: plan, pids: [], commands: [], effect: "nothing")
    }

    func revert() async throws(FaultError) -> String { "nothing" }
}
