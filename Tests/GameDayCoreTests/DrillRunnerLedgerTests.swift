import GameDayCore
import GameDayTestSupport
import Testing

/// The first safety rule: a fault is in the ledger (with how to undo it) before it is applied, and
/// a fault the ledger cannot record is never applied.
@Suite struct DrillRunnerLedgerTests {
    @Test func aFaultIsWrittenToTheLedgerBeforeItIsApplied() async {
        let log = CallLog()
        let storefront = FakeStorefront()
        let driver = RecordingFaultDriver(FakeFaultDriver(storefront: storefront), log: log)
        let (result, _, _) = await DrillRunnerTests.run(
            DrillRunnerTests.drill(), storefront: storefront, faults: driver, ledger: RecordingLedger(log: log))
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(
            log.entries.filter { $0.hasSuffix(" product-down") } == [
                "driver plan product-down", "driver check product-down", "driver recipe product-down",
                "ledger intend product-down", "driver apply product-down", "ledger applied product-down",
                "driver revert product-down", "ledger reverted product-down",
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
}

/// A fault driver that notes each call on a shared `CallLog` before handing it on.
private struct RecordingFaultDriver: FaultDriver {
    let driver: any FaultDriver
    let log: CallLog

    init(_ driver: any FaultDriver, log: CallLog) {
        self.driver = driver
        self.log = log
    }

    func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        log.append("driver plan \(fault.name)")
        return driver.plan(fault, in: target)
    }

    func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        log.append("driver check \(fault.name)")
        return try await driver.check(fault, in: target)
    }

    func recipe(for fault: FaultSpec, in target: Target) async throws(FaultError) -> RevertRecipe {
        log.append("driver recipe \(fault.name)")
        return try await driver.recipe(for: fault, in: target)
    }

    func apply(_ fault: FaultSpec, in target: Target, moment: FaultMoment) async throws(FaultError) -> AppliedFault {
        log.append("driver apply \(fault.name)")
        return try await driver.apply(fault, in: target, moment: moment)
    }

    func revert(_ applied: AppliedFault, in target: Target) async throws(FaultError) -> String {
        log.append("driver revert \(applied.spec.name)")
        return try await driver.revert(applied, in: target)
    }
}
