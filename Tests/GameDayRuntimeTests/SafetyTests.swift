import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// The ledger, its recipes and the watchdog, against real files and processes.
@Suite struct SafetyTests {
    static func sleeper(_ scratch: Scratch) -> (argv: [String], locator: ProcessLocator) {
        let pidFile = scratch.path("sleeper.pid")
        return (["sh", "-c", "setsid sleep 300 > /dev/null 2>&1 & echo $! > \(pidFile)"], .pidFile(pidFile))
    }

    @Test func entriesAreWrittenDurablyAndFollowTheirStates() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let ledger = FileLedger(store: store, runId: "run1", target: "lab", watchdog: nil)
        let recipe = RevertRecipe(steps: [.command(argv: ["true"], okExitCodes: [])])
        let ticket = try await ledger.intend("product-down", unit: "beijing", recipe: recipe)
        #expect(ticket.id == "run1/01-product-down")
        #expect(try store.read(ticket.id).state == .intended)
        #expect(try store.read(ticket.id).recipe == recipe)
        #expect(store.pending(target: "lab").map(\.id) == [ticket.id])
        #expect(store.pending(target: "other").isEmpty)
        await ledger.applied(ticket)
        #expect(try store.read(ticket.id).state == .applied)
        await ledger.reverted(ticket)
        #expect(try store.read(ticket.id).state == .reverted)
        #expect(store.pending().isEmpty)
        // Never moved back from reverted.
        await ledger.applied(ticket)
        #expect(try store.read(ticket.id).state == .reverted)
        let mode =
            try FileManager.default.attributesOfItem(atPath: store.path(of: ticket.id))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// `status` and a refused run say no more than the ledger knows: an intended entry was written
    /// before its apply, which may not have happened; an intended cut-over may not have been sent.
    @Test func aPendingEntryIsDescribedByWhatIsKnownOfIt() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let ledger = FileLedger(store: store, runId: "run4", target: "lab", watchdog: nil)
        let fault = try await ledger.intend(
            "product-down", unit: "beijing", recipe: RevertRecipe(steps: [.command(argv: ["true"], okExitCodes: [])]))
        let cutover = try await ledger.intend(
            "cutover", unit: "beijing", recipe: RevertRecipe(steps: [.cutback(drill: "d.yaml", target: "t.yaml")]))
        let intended = try store.read(fault.id)
        #expect(
            intended.pendingDescription
                == "fault product-down (beijing) of run run4, which may have been applied (intended at \(intended.createdAt))"
        )
        await ledger.applied(fault)
        #expect(
            try store.read(fault.id).pendingDescription
                == "fault product-down (beijing) of run run4, applied since \(intended.createdAt)")
        let cut = try store.read(cutover.id)
        #expect(cut.isCutover && !intended.isCutover)
        #expect(
            cut.pendingDescription
                == "a cut-over (beijing) of run run4 that may have been sent at \(cut.createdAt); recover will cut back"
        )
    }

    @Test func aRestartRecipeRestartsOnlyWhatIsNotRunning() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (argv, locator) = Self.sleeper(scratch)
        let recipe = RevertRecipe(steps: [.restartUnlessRunning(argv: argv, locator: locator)])
        let first = try await RecipeRunner().run(recipe)
        let pid = try #require(try ProcessTable().find(locator).first)
        #expect(first == "restarted as process \(pid)")
        let second = try await RecipeRunner().run(recipe)
        #expect(second == "already running as process \(pid)")
    }

    @Test func aCommandRecipeAcceptsTheExitCodesItNames() async throws {
        let gone = RevertRecipe(steps: [
            .command(argv: ["sh", "-c", "echo 'no such table' >&2; exit 1"], okExitCodes: [1])
        ])
        #expect(try await RecipeRunner().run(gone) == "sh -c echo 'no such table' >&2; exit 1")
        let failing = RevertRecipe(steps: [.command(argv: ["sh", "-c", "echo broken >&2; exit 2"], okExitCodes: [1])])
        await #expect(throws: RecipeError.self) { try await RecipeRunner().run(failing) }
        let elsewhere = RevertRecipe(executor: "ssh:nowhere", steps: [])
        await #expect(throws: RecipeError.self) { try await RecipeRunner().run(elsewhere) }
    }

    @Test func aSignalRecipeResumesAPausedProcess() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (argv, locator) = Self.sleeper(scratch)
        _ = try await LocalExecutor().run(argv, timeout: .seconds(5))
        let pid = try #require(try ProcessTable().find(locator).first)
        kill(pid, SIGSTOP)
        #expect(await Scratch.eventually { ProcessTable().state(of: pid) == "T" })
        let what = try await RecipeRunner().run(RevertRecipe(steps: [.signal(name: "CONT", pids: [pid, 999_999])]))
        #expect(what == "SIGCONT sent to \(pid)")
        #expect(await Scratch.eventually { ProcessTable().state(of: pid) != "T" })
    }

    @Test func theWatchdogRevertsWhenTheHeartbeatFallsSilent() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let (argv, locator) = Self.sleeper(scratch)
        let ledger = FileLedger(store: store, runId: "run2", target: "lab", watchdog: nil)
        let ticket = try await ledger.intend(
            "worker-down", unit: "beijing",
            recipe: RevertRecipe(steps: [.restartUnlessRunning(argv: argv, locator: locator)]))
        await ledger.applied(ticket)

        let heartbeat = scratch.path("run2.heartbeat")
        FileManager.default.createFile(atPath: heartbeat, contents: Data())
        var watchdog = Watchdog(
            store: store, entry: ticket.id, heartbeat: heartbeat, timeout: .seconds(5),
            deadline: Date().timeIntervalSince1970 + 3600, runnerPid: getpid())
        watchdog.poll = .milliseconds(20)
        // Fresh heartbeat, live runner: nothing to do.
        #expect(watchdog.trigger() == nil)
        // A heartbeat last touched a minute ago.
        var old = [timeval(tv_sec: time(nil) - 60, tv_usec: 0), timeval(tv_sec: time(nil) - 60, tv_usec: 0)]
        utimes(heartbeat, &old)
        #expect(watchdog.trigger()?.hasPrefix("the runner's heartbeat has been silent for") == true)

        let outcome = await watchdog.watch()
        let pid = try #require(try ProcessTable().find(locator).first)
        #expect(outcome == "restarted as process \(pid)")
        let entry = try store.read(ticket.id)
        #expect(entry.state == .reverted)
        #expect(entry.note?.hasPrefix("the watchdog (the runner's heartbeat has been silent for") == true)
    }

    /// The watchdog is started before its entry is written: it waits for the entry while the
    /// runner lives, and reverts it once written; with the runner gone and no entry, it leaves.
    @Test func aWatchdogStartedBeforeItsEntryWaitsForItOrLeavesWhenTheRunnerIsGone() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let heartbeat = scratch.path("run4.heartbeat")
        FileManager.default.createFile(atPath: heartbeat, contents: Data())
        let id = "run4/01-block"
        var waiting = Watchdog(
            store: store, entry: id, heartbeat: heartbeat, timeout: .milliseconds(300),
            deadline: Date().timeIntervalSince1970 + 3600, runnerPid: getpid())
        waiting.poll = .milliseconds(20)
        #expect(waiting.unrecorded() == nil)
        let watching = Task { [waiting] in await waiting.watch() }
        // The runner writes the entry after starting the watchdog, then falls silent.
        let now = WallClock.nowISO()
        try await store.create(
            LedgerEntry(
                id: id, runId: "run4", target: "lab", what: "block", unit: "beijing",
                recipe: RevertRecipe(steps: [.command(argv: ["true"], okExitCodes: [])]), state: .intended,
                runnerPid: getpid(), createdAt: now, updatedAt: now))
        #expect(await watching.value == "true")
        #expect(try store.read(id).state == .reverted)

        // A runner that died before writing its entry: nothing to revert, and the watchdog leaves.
        let orphaned = Watchdog(
            store: store, entry: "run5/01-block", heartbeat: scratch.path("none"), timeout: .seconds(5),
            deadline: Date().timeIntervalSince1970 + 60, runnerPid: 999_999)
        #expect(
            await orphaned.watch()
                == "nothing to revert: the runner (pid 999999) is gone before it recorded run5/01-block")
        #expect(store.all().map(\.id) == [id])
    }

    @Test func theWatchdogActsAtTheDeadlineAndWhenTheRunnerIsGone() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let late = Watchdog(
            store: store, entry: "x", heartbeat: scratch.path("none"), timeout: .seconds(5),
            deadline: Date().timeIntervalSince1970 - 1, runnerPid: getpid())
        #expect(late.trigger() == "the drill's maximum duration passed")
        let orphaned = Watchdog(
            store: store, entry: "x", heartbeat: scratch.path("none"), timeout: .seconds(5),
            deadline: Date().timeIntervalSince1970 + 60, runnerPid: 999_999)
        #expect(orphaned.trigger() == "the runner (pid 999999) is gone")
    }

    @Test func recoverKeepsAnEntryWhoseRecipeFailsAndSaysWhy() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let ledger = FileLedger(store: store, runId: "run3", target: "lab", watchdog: nil)
        let failing = RevertRecipe(steps: [
            .command(argv: ["sh", "-c", "echo 'table busy' >&2; exit 3"], okExitCodes: [])
        ])
        let ticket = try await ledger.intend("block", unit: "beijing", recipe: failing)
        await ledger.applied(ticket)
        let recovery = LedgerRecovery(store: store)
        await #expect(throws: RecipeError.self) { try await recovery.revert(ticket.id) }
        let entry = try store.read(ticket.id)
        #expect(entry.isPending)
        #expect(
            entry.note?.contains(
                "gameday recover failed: sh -c echo 'table busy' >&2; exit 3 failed (exit 3): table busy") == true,
            "\(entry.note ?? "")")
        // Once the cause is gone, recover succeeds and the entry is done.
        try await store.modify(ticket.id) {
            $0.recipe = RevertRecipe(steps: [.command(argv: ["true"], okExitCodes: [])])
        }
        #expect(try await recovery.revert(ticket.id) == "true")
        #expect(try store.read(ticket.id).state == .reverted)
        #expect(try await recovery.revert(ticket.id).hasPrefix("gameday recover: true"))
    }
}
