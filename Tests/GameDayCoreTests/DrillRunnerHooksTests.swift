import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Synchronization
import Testing

/// The runner awaits its hooks as each phase starts; one with `on_failure: abort` that fails
/// before inject stops the run with nothing applied.
@Suite struct DrillRunnerHooksTests {
    /// Notes every phase it is told of, with what the run knew; fails (as an abort hook) at `failing`.
    final class FakeHooks: RunHooks {
        let failing: RunPhase?
        let entries = Mutex<[(RunPhase, PhaseEntry)]>([])

        init(failing: RunPhase? = nil) { self.failing = failing }

        func entering(_ phase: RunPhase, _ state: PhaseEntry) async -> HookStop? {
            entries.withLock { $0.append((phase, state)) }
            return phase == failing ? HookStop(hook: "change-ticket", failure: "exited with status 2") : nil
        }

        var phases: [RunPhase] { entries.withLock { $0.map(\.0) } }
    }

    static func run(_ hooks: FakeHooks, storefront: FakeStorefront, driver: FakeFaultDriver) async -> RunResult {
        var env = RunEnvironment(
            transport: storefront, faults: driver, clock: ContinuousRunClock(),
            wallClock: { 1_800_000_000_000 + $0.milliseconds }, environment: { $0 == "FAKE_TOKEN" ? "s3cret" : nil },
            files: MemoryFileSystem(), reporter: EventLog(), runId: "test", ledger: MemoryLedger(transport: storefront))
        env.hooks = hooks
        return await DrillRunner(drill: FakeDrill.drill(), target: FakeDrill.target, environment: env).run()
    }

    @Test func everyPhaseIsToldAsItStartsWithTheCutoverOnceSent() async throws {
        let hooks = FakeHooks()
        let storefront = FakeStorefront()
        let result = await Self.run(hooks, storefront: storefront, driver: FakeFaultDriver(storefront: storefront))
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(hooks.phases == result.phases.map(\.name))
        let entries = hooks.entries.withLock { $0 }
        #expect(entries.first { $0.0 == .cutover }?.1.cutover == nil)
        let recovery = try #require(entries.first { $0.0 == .recovery }?.1)
        #expect(recovery.cutover?.succeeded == true)
        #expect(entries.allSatisfy { $0.1.stopReason == nil && !$0.1.interrupted })
    }

    @Test func anAbortHookBeforeInjectStopsTheRunWithNothingApplied() async throws {
        let hooks = FakeHooks(failing: .inject)
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront)
        let result = await Self.run(hooks, storefront: storefront, driver: driver)
        #expect(result.outcome == .error)
        #expect(result.exitCode == 3)
        #expect(result.reason == "hook change-ticket failed: exited with status 2; nothing was applied")
        #expect(driver.calls.isEmpty)
        #expect(storefront.state.withLock { $0.brokenUnits.isEmpty })
        #expect(!result.phases.map(\.name).contains(.inject))
        // The rollback is told why the run stopped (for the abort notification).
        let rollback = try #require(hooks.entries.withLock { $0.first { $0.0 == .rollback }?.1 })
        #expect(rollback.stopReason == result.reason)
    }
}
