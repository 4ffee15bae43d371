import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Synchronization
import Testing

/// What `gameday run` does around the runner, in-process, with the in-memory storefront for the
/// system drilled and the real lock, ledger, heartbeat, watchdogs and archive. Serialized: every
/// test drills the same fake target, whose lock is machine-wide.
@Suite(.serialized) struct DrillSessionTests {
    /// The unit tests' fake drill on the fake target, with a session writing under `scratch`.
    static func session(_ scratch: Scratch, storefront: FakeStorefront, driver: FakeFaultDriver) throws -> DrillSession
    {
        var settings = DrillSession.Settings(
            output: scratch.path("results"), stateDirectory: scratch.path("state"), watchdogTimeout: .seconds(30),
            executable: try GameDayBinary.path)
        settings.junitPath = scratch.path("ci/junit.xml")
        var target = FakeDrill.target
        target.file = scratch.path("target.yaml")
        var drill = FakeDrill.drill()
        drill.file = scratch.path("drill.yaml")
        return DrillSession(
            drill: drill, target: target, settings: settings,
            parts: DrillSession.Parts(
                transport: storefront, probes: TaskProbeLauncher(), faults: { _, _ in driver },
                environment: { $0 == "FAKE_TOKEN" ? "s3cret" : nil }))
    }

    static func run(_ session: DrillSession, interruption: RunInterruption = RunInterruption()) async -> (
        DrillSession.Ending, EventLog
    ) {
        let log = EventLog()
        let said = SaidLines()
        let ending = await session.run(
            runId: WallClock.newRunID(), clock: ContinuousRunClock(), interruption: interruption, reporter: log,
            say: { said.add($0) })
        return (ending, log)
    }

    @Test func aRunIsLockedLedgeredArchivedAndLeavesNothing() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront)
        let session = try Self.session(scratch, storefront: storefront, driver: driver)
        let (ending, _) = await Self.run(session)
        guard case .ran(let result, let archive, let notUndone) = ending else {
            Issue.record("the run did not start: \(ending)")
            return
        }
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(ending.exitCode == 0)
        #expect(notUndone == 0)
        let directory = try #require(archive)
        #expect(FileManager.default.fileExists(atPath: "\(directory)/result.json"))
        #expect(FileManager.default.fileExists(atPath: scratch.path("ci/junit.xml")))
        // The fault was written to the ledger before it was applied, and closed after.
        let entries = LedgerStore(stateDirectory: scratch.path("state")).all()
        #expect(entries.map(\.what) == ["product-down", "cutover"])
        #expect(entries.allSatisfy { $0.state == .reverted })
        // The heartbeat and the target's lock went with the run.
        let heartbeats = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path("state/runs"))) ?? []
        #expect(heartbeats.isEmpty, "\(heartbeats)")
        #expect(TargetLock.running(in: try LockDirectory.current().path).allSatisfy { $0.runId != result.runId })
    }

    @Test func aTargetWithFaultsLeftByAnEarlierRunIsRefusedAndNothingIsApplied() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront)
        let session = try Self.session(scratch, storefront: storefront, driver: driver)
        let store = LedgerStore(stateDirectory: scratch.path("state"))
        let ledger = FileLedger(store: store, runId: "0ld0ld00", target: session.target.name, watchdog: nil)
        _ = try await ledger.intend("product-down", unit: "beijing", recipe: RevertRecipe(steps: []))
        let (ending, _) = await Self.run(session)
        guard case .refused(let lines) = ending else {
            Issue.record("it ran over a leftover: \(ending)")
            return
        }
        #expect(ending.exitCode == 3)
        #expect(lines.first == "earlier runs on target fake left 1 fault(s) or cut-over(s) not reverted:")
        #expect(
            lines.last
                == "run 'gameday recover --target \(DrillSession.absolute(session.target.file)) --state-dir "
                + "\(DrillSession.absolute(scratch.path("state")))' to revert them, then run the drill again")
        #expect(driver.calls.isEmpty)
    }

    @Test func anOutputThatCannotBeWrittenIsRefusedBeforeAnyFault() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try "x".write(toFile: scratch.path("file"), atomically: true, encoding: .utf8)
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront)
        var session = try Self.session(scratch, storefront: storefront, driver: driver)
        session = DrillSession(
            drill: session.drill, target: session.target,
            settings: {
                var settings = session.settings
                settings.output = scratch.path("file/results")
                return settings
            }(), parts: session.parts)
        let (ending, _) = await Self.run(session)
        guard case .refused(let lines) = ending else {
            Issue.record("it ran: \(ending)")
            return
        }
        #expect(lines.first?.hasPrefix("cannot write under \(scratch.path("file/results"))") == true, "\(lines)")
        #expect(driver.calls.isEmpty)
    }

    @Test func anInterruptBeforeTheStartChangesNothing() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront)
        let interruption = RunInterruption()
        interruption.interrupt(at: .zero)
        let (ending, _) = await Self.run(
            try Self.session(scratch, storefront: storefront, driver: driver), interruption: interruption)
        guard case .interruptedBeforeStart = ending else {
            Issue.record("it ran: \(ending)")
            return
        }
        #expect(ending.exitCode == 4)
        #expect(driver.calls.isEmpty)
    }

    @Test func cancellingTheSessionInterruptsTheDrillAndRevertsIt() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.pollState = "sync_wait" }  // the cut-over's task runs until cancelled
        let driver = FakeFaultDriver(storefront: storefront)
        let session = try Self.session(scratch, storefront: storefront, driver: driver)
        let task = Task { await Self.run(session) }
        let deadline = ContinuousClock.now + .seconds(20)
        while !driver.calls.contains("apply product-down"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        let (ending, _) = await task.value
        guard case .ran(let result, _, _) = ending else {
            Issue.record("it did not run: \(ending)")
            return
        }
        #expect(result.outcome == .aborted)
        #expect(ending.exitCode == 4)
        #expect(driver.calls == ["apply product-down", "revert product-down"])
    }
}

/// Lines a session said, for assertions.
final class SaidLines: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
