import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// Heartbeats of runs killed with SIGKILL: removed once their runner is gone and their entries are
/// all reverted, kept otherwise.
@Suite struct StaleHeartbeatsTests {
    /// The pid of a process that has run and exited.
    static func deadPid() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func onlyHeartbeatsOfGoneRunnersWithNothingPendingAreRemoved() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = LedgerStore(stateDirectory: scratch.directory)
        let recipe = RevertRecipe(steps: [.command(argv: ["true"], okExitCodes: [])])
        let dead = try Self.deadPid()
        #expect(!ProcessTable().isAlive(dead))
        let heartbeats: [(run: String, pid: String)] = [
            ("done", "\(dead)"), ("pending", "\(dead)"), ("no-entries", "\(dead)"), ("alive", "\(getpid())"),
            ("starting", ""),
        ]
        try FileManager.default.createDirectory(atPath: scratch.path("runs"), withIntermediateDirectories: true)
        for (run, pid) in heartbeats {
            FileManager.default.createFile(
                atPath: scratch.path("runs/\(run).heartbeat"), contents: Data("\(pid)\n".utf8))
            guard run != "no-entries" else { continue }
            let ledger = FileLedger(store: store, runId: run, target: "lab", watchdog: nil)
            let ticket = try await ledger.intend("product-down", unit: "beijing", recipe: recipe)
            await ledger.applied(ticket)
            if run != "pending" { await ledger.reverted(ticket) }
        }
        #expect(StaleHeartbeats(stateDirectory: scratch.directory).remove() == ["done", "no-entries"])
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path("runs")).sorted()
        #expect(left == ["alive.heartbeat", "pending.heartbeat", "starting.heartbeat"])
        // Once the pending entry is reverted, its heartbeat goes too.
        await FileLedger(store: store, runId: "pending", target: "lab", watchdog: nil).reverted(
            LedgerTicket(id: "pending/01-product-down"))
        #expect(StaleHeartbeats(stateDirectory: scratch.directory).remove() == ["pending"])
        #expect(StaleHeartbeats(stateDirectory: scratch.path("nowhere")).remove().isEmpty)
    }
}
