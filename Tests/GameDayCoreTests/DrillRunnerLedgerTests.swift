import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The first safety rule: a fault is in the ledger (with how to undo it) before it is applied, and
/// a fault the ledger cannot record is never applied.
@Suite struct DrillRunnerLedgerTests {
    @Test func aFaultIsWrittenToTheLedgerBeforeItIsApplied() async {
        let log = CallLog()
        let storefront = FakeStorefront()
        let driver = RecordingFaultDriver(FakeFaultDriver(storefront: storefront), log: log, transport: storefront)
        let (result, _, _) = await DrillRunnerTests.run(
            DrillRunnerTests.drill(), storefront: storefront, faults: driver,
            ledger: RecordingLedger(log: log, transport: storefront))
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(
            log.entries.filter { $0.hasSuffix(" product-down") } == [
                "driver plan product-down", "driver check product-down", "driver prepare product-down",
                "ledger intend product-down", "apply product-down", "ledger applied product-down",
                "ledger revert product-down",
            ])
    }

    @Test func aFaultTheLedgerCannotRecordIsNeverApplied() async {
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront)
        let ledger = RecordingLedger(refusing: true)
        let (result, _, _) = await DrillRunnerTests.run(
            DrillRunnerTests.drill(), storefront: storefront, faults: driver, ledger: ledger)
        #expect(result.outcome == .error)
        #expect(
            result.reason
                == "fault product-down could not be recorded in the ledger: the ledger's disk is full; nothing was applied"
        )
        #expect(driver.calls.isEmpty)
        #expect(ledger.log.entries == ["ledger refused product-down"])
        #expect(storefront.state.withLock { $0.brokenUnits.isEmpty })
    }

    /// A fault that hit some of its hosts: the ledger is narrowed to them before it is marked
    /// applied, so that every revert (the run's, a watchdog's, `recover`'s) is for those alone.
    @Test func aFaultThatHitSomeHostsNarrowsItsLedgerEntryToThem() async {
        let log = CallLog()
        let storefront = FakeStorefront()
        let ledger = RecordingLedger(log: log, transport: storefront)
        let (result, _, _) = await DrillRunnerTests.run(
            DrillRunnerTests.drill(), storefront: storefront, faults: OnHostsDriver(storefront: storefront),
            ledger: ledger)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(
            log.entries.filter { $0.hasSuffix(" product-down") || $0.contains("narrowed") } == [
                "ledger intend product-down", "ledger narrowed product-down to ssh:a, ssh:c",
                "ledger applied product-down", "ledger revert product-down",
            ])
    }
}

/// The fake driver's fault, reporting that it hit hosts a and c of three.
private struct OnHostsDriver: FaultDriver {
    let storefront: FakeStorefront

    func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        FakeFaultDriver(storefront: storefront).plan(fault, in: target)
    }
    func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String { "found" }
    func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        let inner = try ReadyFault.of(try await FakeFaultDriver(storefront: storefront).prepare(fault, in: target))
        return ReadyFault(spec: fault, plan: inner.plan, found: inner.found, recipe: inner.recipe) {
            moment async throws(FaultError) in
            var applied = try await inner.apply(moment)
            applied.hosts = ["ssh:a", "ssh:c"].map { HostFault(host: $0, pids: [42], effect: "hit") }
            return applied
        }
    }
}

/// A fault driver that notes each call on a shared `CallLog` before handing it on.
private struct RecordingFaultDriver: FaultDriver {
    let driver: any FaultDriver
    let log: CallLog
    /// Where the recipes of the faults go (the fake storefront).
    let transport: any HTTPTransport

    init(_ driver: any FaultDriver, log: CallLog, transport: any HTTPTransport) {
        self.driver = driver
        self.log = log
        self.transport = transport
    }

    func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        log.append("driver plan \(fault.name)")
        return driver.plan(fault, in: target)
    }

    func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        log.append("driver check \(fault.name)")
        return try await driver.check(fault, in: target)
    }

    func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        log.append("driver prepare \(fault.name)")
        return RecordingFault(fault: try await driver.prepare(fault, in: target), log: log, transport: transport)
    }
}

/// A prepared fault that notes its apply on the `CallLog`; the ledger reverts it.
private struct RecordingFault: InMemoryRevertible {
    let fault: any PreparedFault
    let log: CallLog
    let transport: any HTTPTransport

    var spec: FaultSpec { fault.spec }
    var plan: FaultPlan { fault.plan }

    func apply(_ moment: FaultMoment) async throws(FaultError) -> AppliedFault {
        log.append("apply \(spec.name)")
        return try await fault.apply(moment)
    }

    func revert() async throws(FaultError) -> String {
        guard let ready = fault as? ReadyFault else { return "nothing to revert" }
        do {
            return try await RecipeRunner(transport: transport).run(ready.recipe)
        } catch {
            throw FaultError("\(error)")
        }
    }
}
