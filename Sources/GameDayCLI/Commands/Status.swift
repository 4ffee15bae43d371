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

        func run() async throws {
            let store = LedgerStore(stateDirectory: ledger.state.path)
            let name = ledger.targetName
            let pending = store.pending(target: name)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                Terminal.out(String(decoding: try encoder.encode(pending), as: UTF8.self))
            } else {
                for run in running() {
                    Terminal.out("target \(run.target): a drill is running: \(run.description)")
                }
                if pending.isEmpty {
                    Terminal.out("no fault is applied" + (name.map { " on target \($0)" } ?? ""))
                } else {
                    Terminal.out(
                        "\(pending.count) not reverted (revert with 'gameday recover\(name.map { " --target \($0)" } ?? "")'):"
                    )
                    for entry in pending {
                        Terminal.out("  \(entry.target): \(entry.pendingDescription)")
                    }
                }
            }
            if !pending.isEmpty { throw ExitCode(1) }
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
