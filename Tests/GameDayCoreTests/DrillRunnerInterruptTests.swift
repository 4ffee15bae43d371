import GameDayCore
import GameDayTestSupport
import Synchronization
import Testing

/// A run interrupted (Ctrl-C, SIGTERM) in each phase, driven by the run's own progress events:
/// aborted (exit 4) whatever the phase, every fault reverted, the rollback checked, and no verdict
/// failed for evidence the interrupt cut short.
@Suite struct DrillRunnerInterruptTests {
    /// Runs `drill` and interrupts it as the CLI's handler does (noted, then the run's task
    /// cancelled) when the run reports `line`, `times` times.
    static func run(
        _ drill: Drill, interruptingAt line: String, times: Int = 1, storefront: FakeStorefront = FakeStorefront()
    ) async -> (RunResult, FakeFaultDriver, EventLog) {
        let clock = ContinuousRunClock()
        let interruption = RunInterruption()
        let task = CancellableTask()
        let log = EventLog { seen in
            guard seen == line else { return }
            for _ in 0..<times { interruption.interrupt(at: clock.now()) }
            task.cancel()
        }
        let driver = FakeFaultDriver(storefront: storefront)
        let running = Task {
            await DrillRunnerTests.run(
                drill, storefront: storefront, faults: driver, log: log, clock: clock, interruption: interruption)
        }
        task.set(running)
        let (result, _, _) = await running.value
        return (result, driver, log)
    }

    static func verdict(_ result: RunResult, _ name: String) -> Verdict? {
        result.verdicts.first { $0.name == name }
    }

    /// What every interrupted run shares: aborted, exit 4, the interrupt's moment, every fault
    /// reverted and the routing cut back, and no failed verdict.
    static func expectAbortedAndClean(_ result: RunResult, _ driver: FakeFaultDriver, _ storefront: FakeStorefront) {
        #expect(result.outcome == .aborted, "\(result.reason ?? "")")
        #expect(result.exitCode == 4)
        #expect(result.interruptedMs != nil)
        #expect(result.reason?.contains("interrupted at +") == true, "\(result.reason ?? "")")
        #expect(result.reason?.hasSuffix("; every fault was reverted before exiting") == true, "\(result.reason ?? "")")
        #expect(driver.calls == ["apply product-down", "revert product-down"])
        #expect(storefront.state.withLock { $0.brokenUnits.isEmpty && $0.overrides.isEmpty })
        let failed = result.verdicts.filter { $0.status == .fail }
        #expect(failed.isEmpty, "\(failed)")
    }

    /// A verdict the interrupt cut short says so, never FAIL.
    static func expectNotReached(_ result: RunResult, _ name: String) {
        let verdict = Self.verdict(result, name)
        #expect(verdict?.status == .skipped, "\(name): \(String(describing: verdict))")
        #expect(verdict?.message.hasPrefix("not reached (interrupted at +") == true, "\(String(describing: verdict))")
    }

    @Test func anInterruptWhileObservingLeavesTheCutOverAndRecoveryNotReached() async {
        let storefront = FakeStorefront()
        let (result, driver, _) = await Self.run(
            DrillRunnerTests.drill(), interruptingAt: "phase observe", storefront: storefront)
        Self.expectAbortedAndClean(result, driver, storefront)
        Self.expectNotReached(result, "cutover")
        Self.expectNotReached(result, "recovery")
        // 6000 may have failed in the moment before the interrupt; if not, that is not a failure.
        if Self.verdict(result, "impact")?.status != .pass { Self.expectNotReached(result, "impact") }
        #expect(result.rollbackCheck?.outcome == .healthy, "\(String(describing: result.rollbackCheck))")
    }

    @Test func anInterruptWhileTheCutOverIsFollowedIsNotACutOverFailure() async {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.pollState = "sync_wait" }  // the cut-over never finishes
        let (result, driver, _) = await Self.run(
            DrillRunnerTests.drill(), interruptingAt: "phase cutover", storefront: storefront)
        #expect(result.cutover?.succeeded == false)
        Self.expectNotReached(result, "cutover")
        Self.expectNotReached(result, "recovery")
        #expect(result.outcome == .aborted)
        #expect(driver.calls == ["apply product-down", "revert product-down"])
    }

    @Test func anInterruptAsRecoveryStartsIsNotARecoveryFailure() async {
        var drill = DrillRunnerTests.drill()
        // Half a second of successes to recover: the interrupt comes before that.
        drill.recovery = RecoverySpec(rto: .seconds(5), window: .consecutive(50), timeout: .seconds(10))
        let storefront = FakeStorefront()
        let (result, driver, _) = await Self.run(drill, interruptingAt: "phase recovery", storefront: storefront)
        Self.expectAbortedAndClean(result, driver, storefront)
        #expect(Self.verdict(result, "cutover")?.status == .pass)
        if Self.verdict(result, "recovery")?.status != .pass { Self.expectNotReached(result, "recovery") }
        #expect(result.rollbackCheck?.outcome == .healthy)
    }

    @Test func anInterruptDuringTheRollbackStillAbortsAfterEveryRevert() async {
        let storefront = FakeStorefront()
        let (result, driver, _) = await Self.run(
            DrillRunnerTests.drill(), interruptingAt: "phase rollback", storefront: storefront)
        Self.expectAbortedAndClean(result, driver, storefront)
        #expect(result.cutback?.succeeded == true)
        // The drill's own verdicts were reached before the interrupt, and stand.
        #expect(Self.verdict(result, "recovery")?.status == .pass)
        #expect(result.rollbackCheck?.outcome == .healthy)
    }

    @Test func anInterruptDuringTheRollbackCheckAbortsAndTheCheckStillEnds() async {
        let storefront = FakeStorefront()
        let (result, driver, _) = await Self.run(
            DrillRunnerTests.drill(), interruptingAt: "phase verify-rollback", storefront: storefront)
        Self.expectAbortedAndClean(result, driver, storefront)
        #expect(result.rollbackCheck?.outcome == .healthy)
        #expect(Self.verdict(result, "rollback")?.message.hasSuffix("steady state back") == true)
    }

    @Test func aSecondInterruptEndsTheRollbackCheckButNoRevert() async {
        let storefront = FakeStorefront()
        let (result, driver, _) = await Self.run(
            DrillRunnerTests.drill(), interruptingAt: "phase verify-rollback", times: 2, storefront: storefront)
        Self.expectAbortedAndClean(result, driver, storefront)
        #expect(result.rollbackCheck?.outcome == .notChecked)
        #expect(result.rollbackCheck?.problem == "interrupted again before the steady state was seen back")
    }

    /// Interrupted while a fault is being prepared (its ledger entry just written): the fault is
    /// never applied, and its entry is closed.
    @Test func anInterruptWhileAFaultIsPreparedAppliesNothing() async {
        let clock = ContinuousRunClock()
        let interruption = RunInterruption()
        let task = CancellableTask()
        let ledger = InterruptingLedger {
            interruption.interrupt(at: clock.now())
            task.cancel()
        }
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront)
        let running = Task {
            await DrillRunnerTests.run(
                DrillRunnerTests.drill(), storefront: storefront, faults: driver, clock: clock,
                interruption: interruption, ledger: ledger)
        }
        task.set(running)
        let (result, _, _) = await running.value
        #expect(result.outcome == .aborted)
        #expect(driver.calls.isEmpty)
        #expect(ledger.events == ["intend product-down", "reverted product-down"])
        #expect(result.timeline.fault == nil)
        #expect(storefront.state.withLock { $0.brokenUnits.isEmpty })
    }

    @Test func aFailedVerdictIsStillFollowedByTheRollbackCheck() async {
        let (result, _, _) = await DrillRunnerTests.run(DrillRunnerTests.drill(rto: .milliseconds(1)))
        #expect(result.outcome == .fail)
        #expect(result.rollbackCheck?.outcome == .healthy)
        #expect(result.phases.map(\.name).contains(.verifyRollback))
    }

    /// Ctrl-C while the canaries are read back: the read it cut short measured nothing, so the RPO
    /// is not reached, never "the canaries could not be read back".
    @Test func anInterruptWhileTheCanariesAreReadBackLeavesTheRPONotReached() async {
        var drill = DrillRunnerTests.drill()
        drill.rpo = CanarySpec(
            grace: .zero, write: RequestTemplate(method: "POST", url: "{{gateway.url}}/canaries?userId={{user.id}}"),
            read: RequestTemplate(url: "{{gateway.url}}/canaries?userId={{user.id}}"))
        let clock = ContinuousRunClock()
        let interruption = RunInterruption()
        let task = CancellableTask()
        let storefront = FakeStorefront()
        let reads = HangingCanaryReads(storefront: storefront) {
            interruption.interrupt(at: clock.now())
            task.cancel()
        }
        let log = EventLog { seen in if seen == "phase rpo" { reads.hang() } }
        let driver = FakeFaultDriver(storefront: storefront)
        let running = Task {
            await DrillRunnerTests.run(
                drill, storefront: storefront, faults: driver, log: log, clock: clock, interruption: interruption,
                transport: reads)
        }
        task.set(running)
        let (result, _, _) = await running.value
        #expect(reads.interrupted, "the run never read its canaries back")
        Self.expectAbortedAndClean(result, driver, storefront)
        #expect(result.reason?.contains("(rpo)") == true, "\(result.reason ?? "")")
        #expect(Self.verdict(result, "recovery")?.status == .pass)
        Self.expectNotReached(result, "rpo")
        #expect(result.rpo == nil)
    }

    /// Interrupted, then a revert fails: the reason says what the rollback did, not what was hoped.
    @Test func anInterruptedRunWhoseRevertFailsSaysTheFaultIsStillApplied() async {
        let clock = ContinuousRunClock()
        let interruption = RunInterruption()
        let task = CancellableTask()
        let log = EventLog { seen in
            guard seen == "phase observe" else { return }
            interruption.interrupt(at: clock.now())
            task.cancel()
        }
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront, failRevert: true)
        let running = Task {
            await DrillRunnerTests.run(
                DrillRunnerTests.drill(), storefront: storefront, faults: driver, log: log, clock: clock,
                interruption: interruption)
        }
        task.set(running)
        let (result, _, _) = await running.value
        #expect(result.outcome == .aborted)
        let reason = result.reason ?? ""
        #expect(!reason.contains("every fault was reverted"), "\(reason)")
        #expect(reason.contains("(observe); product-down NOT reverted before exiting: run 'gameday recover --target "))
        #expect(reason.hasSuffix("' to finish"), "\(reason)")
    }
}

/// The storefront, whose canary read-back hangs once the run is in its `rpo` phase: the first such
/// read interrupts the run (a Ctrl-C while it waits), then waits until the run's task is cancelled.
final class HangingCanaryReads: HTTPTransport {
    private let storefront: FakeStorefront
    private let onRead: @Sendable () -> Void
    /// (hanging, interrupted)
    private let state = Mutex((false, false))

    init(storefront: FakeStorefront, onRead: @escaping @Sendable () -> Void) {
        self.storefront = storefront
        self.onRead = onRead
    }

    var interrupted: Bool { state.withLock { $0.1 } }

    func hang() { state.withLock { $0.0 = true } }

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        guard request.method == "GET", request.url.contains("/canaries") else {
            return try await storefront.send(request)
        }
        let first = state.withLock { state in
            guard state.0, !state.1 else { return false }
            state.1 = true
            return true
        }
        guard state.withLock({ $0.0 }) else { return try await storefront.send(request) }
        if first { onRead() }
        // Until the run's task is cancelled: at once when it already is.
        let (cancelled, cancel) = AsyncStream<Never>.makeStream()
        await withTaskCancellationHandler {
            for await _ in cancelled {}
        } onCancel: {
            cancel.finish()
        }
        throw HTTPTransportError(kind: .cancelled, message: "cancelled (\(request.url))")
    }
}

/// The run's task for an interrupt to cancel: one that came before the task existed cancels it
/// as soon as it is set.
final class CancellableTask: Sendable {
    private let state = Mutex<(task: Task<(RunResult, any FaultDriver, EventLog), Never>?, cancelled: Bool)>(
        (nil, false))

    func set(_ task: Task<(RunResult, any FaultDriver, EventLog), Never>) {
        let cancelled = state.withLock { state in
            state.task = task
            return state.cancelled
        }
        if cancelled { task.cancel() }
    }

    func cancel() {
        let task = state.withLock { state in
            state.cancelled = true
            return state.task
        }
        task?.cancel()
    }
}

/// A ledger that interrupts the run as it records the first intent, and remembers what it was told.
final class InterruptingLedger: FaultLedger {
    private let onIntend: @Sendable () -> Void
    private let log = Mutex<[String]>([])

    init(onIntend: @escaping @Sendable () -> Void) { self.onIntend = onIntend }

    var events: [String] { log.withLock { $0 } }

    func intend(_ fault: any PreparedFault) async throws -> LedgerTicket {
        log.withLock { $0.append("intend \(fault.spec.name)") }
        onIntend()
        return LedgerTicket(id: fault.spec.name)
    }

    func intendCutover(drill: String, target: String, unit: String) async throws -> LedgerTicket {
        log.withLock { $0.append("intend cutover") }
        onIntend()
        return LedgerTicket(id: "cutover")
    }

    func narrow(_ ticket: LedgerTicket, to places: [String]) async {}
    func applied(_ ticket: LedgerTicket) async { log.withLock { $0.append("applied \(ticket.id)") } }
    func reverted(_ ticket: LedgerTicket) async { log.withLock { $0.append("reverted \(ticket.id)") } }
    func withhold(_ ticket: LedgerTicket, reason: String) async {
        log.withLock { $0.append("withheld \(ticket.id)") }
    }
    func revert(_ ticket: LedgerTicket) async throws -> String {
        log.withLock { $0.append("revert \(ticket.id)") }
        return "undone"
    }
}
