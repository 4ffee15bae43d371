import ArgumentParser
import Foundation
import GameDayCore
import GameDayRuntime

extension GameDay {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List what the ledger has not reverted and the drills running on this machine.",
            discussion: "Exit 0 when nothing is applied, 1 when something still is (revert it with 'gameday recover').")

        @OptionGroup var ledger: LedgerOptions

        @Flag(help: "Print the pending ledger entries as JSON.")
        var json = false

        /// `status --json`: every entry not reverted (also those of the drills running, from their own
        /// state directories) and the drills running.
        struct Report: Encodable {
            var pending: [LedgerEntry]
            var running: [TargetLockRecord]
        }

        func run() async throws {
            let store = LedgerStore(stateDirectory: ledger.state.path)
            let name = ledger.targetName
            let runs = running()
            // A running drill keeps its ledger in its own state directory: what it has applied is
            // applied all the same, whichever state directory `status` is asked about.
            let applying = runs.map { ($0, Self.pending(of: $0, besides: ledger.state.path)) }
            let pending = store.pending(target: name) + applying.flatMap(\.1)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Terminal.out(
                    String(decoding: try encoder.encode(Report(pending: pending, running: runs)), as: UTF8.self))
                if !pending.isEmpty { throw ExitCode(1) }
                return
            }
            for (run, entries) in applying {
                Terminal.out("target \(run.target): a drill is running: \(run.description)")
                for entry in entries {
                    Terminal.out("  applied by it (it reverts them as it ends): \(entry.pendingDescription)")
                }
            }
            let left = store.pending(target: name)
            if !left.isEmpty {
                Terminal.out(
                    "\(left.count) not reverted (revert with 'gameday recover\(name.map { " --target \($0)" } ?? "")'):"
                )
                for entry in left {
                    Terminal.out("  \(entry.target): \(entry.pendingDescription)")
                }
            } else if pending.isEmpty {
                Terminal.out("no fault is applied" + (name.map { " on target \($0)" } ?? ""))
            }
            if !pending.isEmpty { throw ExitCode(1) }
        }

        /// What `run` has applied and not reverted, from its own state directory; none when that is
        /// `directory`, whose entries `status` reads anyway.
        static func pending(of run: TargetLockRecord, besides directory: String) -> [LedgerEntry] {
            let theirs = URL(fileURLWithPath: run.stateDirectory).standardizedFileURL.path
            guard theirs != URL(fileURLWithPath: directory).standardizedFileURL.path else { return [] }
            return LedgerStore(stateDirectory: theirs).pending().filter { $0.runId == run.runId }
        }

        /// The drills running on this machine (on `--target` only, when given), whatever their state
        /// directory: every run locks its target in the machine's lock directory.
        private func running() -> [TargetLockRecord] {
            let locks: LockDirectory
            do {
                locks = try LockDirectory.current()
            } catch {
                Terminal.err("gameday: cannot tell which drills are running: \(error.localizedDescription)")
                return []
            }
            return TargetLock.running(in: locks.path).filter { run in
                if let identity = ledger.targetIdentity { return run.identity == identity }
                return ledger.targetName.map { run.target == $0 } ?? true
            }
        }
    }
}
