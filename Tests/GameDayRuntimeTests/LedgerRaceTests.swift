import Foundation
import GameDayCore
import Synchronization
import Testing

@testable import GameDayRuntime

/// The runner and a watchdog (or `gameday recover`) change the same ledger entry at the same
/// moment, on real threads against real files: whoever comes second sees what the first wrote.
@Suite struct LedgerRaceTests {
    static let quick = RevertRecipe(steps: [.command(argv: ["true"], okExitCodes: [])])

    /// The runner marks an entry applied while its watchdog, its deadline passed, reverts it. In
    /// each round the runner's `applied` starts at a random moment within the watchdog's revert
    /// (the `true` it runs and its fsynced write take a few milliseconds). Once both are done the
    /// entry must be reverted: a pending one is a phantom that blocks the target's next run.
    @Test func theRunnerNeverUndoesTheWatchdogsRevert() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let ledger = FileLedger(store: store, runId: "race", target: "lab", watchdog: nil)
        var phantoms: [String] = []
        for _ in 0..<200 {
            let ticket = try await ledger.intend("product-down", unit: "beijing", recipe: Self.quick)
            let watchdog = Self.watchdog(of: ticket, store: store, scratch: scratch)
            let offset = Duration.microseconds(Int.random(in: 0...8_000))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = await watchdog.watch() }
                group.addTask {
                    try? await Task.sleep(for: offset)
                    await ledger.applied(ticket)
                }
            }
            let entry = try store.read(ticket.id)
            if entry.state != .reverted { phantoms.append("\(entry.id) \(entry.state) (runner at +\(offset))") }
        }
        let left = phantoms.count
        #expect(left == 0, "\(left) of 200 entries left pending: \(phantoms.prefix(5))")
    }

    /// A watchdog whose deadline has passed: it reverts at once, quietly.
    static func watchdog(of ticket: LedgerTicket, store: LedgerStore, scratch: Scratch) -> Watchdog {
        var watchdog = Watchdog(
            store: store, entry: ticket.id, heartbeat: scratch.path("none"), timeout: .seconds(5),
            deadline: Date().timeIntervalSince1970 - 1, runnerPid: getpid())
        watchdog.writeLog = { _ in }
        return watchdog
    }

    /// `gameday recover` fails to revert (and notes why) while the runner reverts the same entry
    /// itself: the runner's `reverted` must survive recover's note.
    @Test func aFailedRecoverNeverUndoesTheRunnersRevert() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let ledger = FileLedger(store: store, runId: "race", target: "lab", watchdog: nil)
        let failing = RevertRecipe(steps: [.command(argv: ["sh", "-c", "exit 3"], okExitCodes: [])])
        let recovery = LedgerRecovery(store: store)
        var phantoms: [String] = []
        for _ in 0..<100 {
            let ticket = try await ledger.intend("product-down", unit: "beijing", recipe: failing)
            await ledger.applied(ticket)
            let offset = Duration.microseconds(Int.random(in: 0...8_000))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = try? await recovery.revert(ticket.id) }
                group.addTask {
                    try? await Task.sleep(for: offset)
                    await ledger.reverted(ticket)
                }
            }
            let entry = try store.read(ticket.id)
            if entry.state != .reverted { phantoms.append("\(entry.id) \(entry.state) (runner at +\(offset))") }
        }
        let left = phantoms.count
        #expect(left == 0, "\(left) of 100 entries left pending: \(phantoms.prefix(5))")
    }

    /// The runner's rollback and a watchdog whose deadline passed revert the same entry at the same
    /// moment, through the same function: the recipe (which appends a line to a file) runs exactly
    /// once, and the one who came second reports what the first did.
    @Test func theRunnerAndAWatchdogRevertOneEntryExactlyOnce() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let ledger = FileLedger(store: store, runId: "once", target: "lab", watchdog: nil)
        let runs = scratch.path("runs")
        for round in 0..<50 {
            let fault = ReadyFault(
                spec: FaultSpec(
                    name: "down-\(round)", unit: "beijing", service: "product",
                    action: .killProcess(signal: SignalName("KILL")!, restart: false)),
                plan: FaultPlan(
                    name: "down-\(round)", kind: "kill-process", unit: "beijing", service: "product", executor: "local",
                    locate: "-", apply: [], revert: [], proof: "-"),
                found: "-",
                recipe: RevertRecipe(steps: [
                    .command(argv: ["sh", "-c", "echo \(round) >> \"$0\"", runs], okExitCodes: [])
                ])
            ) { _ async throws(FaultError) in throw FaultError("not applied in this test") }
            let ticket = try await ledger.intend(fault)
            await ledger.applied(ticket)
            let watchdog = Self.watchdog(of: ticket, store: store, scratch: scratch)
            let offset = Duration.microseconds(Int.random(in: 0...4_000))
            let (byRunner, byWatchdog) = await withTaskGroup(of: (Int, String).self) { group in
                group.addTask {
                    try? await Task.sleep(for: offset)
                    return (0, (try? await ledger.revert(ticket)) ?? "failed")
                }
                group.addTask { (1, await watchdog.watch()) }
                var said = ["", ""]
                for await (who, text) in group { said[who] = text }
                return (said[0], said[1])
            }
            let lines = try String(contentsOfFile: runs, encoding: .utf8).split(separator: "\n")
            #expect(
                lines.filter { $0 == "\(round)" }.count == 1,
                "round \(round): runner '\(byRunner)', watchdog '\(byWatchdog)'")
            #expect(try store.read(ticket.id).state == .reverted)
            let second = [byRunner, byWatchdog].filter { $0.contains("already reverted") || $0.hasPrefix("the ") }
            #expect(second.count == 1, "round \(round): runner '\(byRunner)', watchdog '\(byWatchdog)'")
        }
    }
}
