import ArgumentParser
import GameDayCore
import GameDayRuntime

extension GameDay {
    struct Recover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revert every fault the ledger still holds (after a runner was killed).",
            discussion: "Idempotent: what is already reverted is left alone. Exit 0 when nothing is left applied.")

        @OptionGroup var ledger: LedgerOptions

        func run() async throws {
            let store = LedgerStore(stateDirectory: ledger.state.path)
            let pending = store.pending(target: ledger.targetName)
            // Whatever happens below: heartbeats of killed runs with nothing left to revert go.
            defer { StaleHeartbeats(stateDirectory: ledger.state.path).remove() }
            guard !pending.isEmpty else {
                Terminal.out("nothing to recover")
                return
            }
            let recovery = LedgerRecovery(store: store)
            var failed = 0
            // Faults first, then cut-backs; a run whose fault could not be reverted keeps its users
            // where they are served: its cut-back waits for a later recover, once the unit is mended.
            var unhealthy: Set<String> = []
            for entry in pending.sorted(by: { ($0.what == "cutover" ? 1 : 0) < ($1.what == "cutover" ? 1 : 0) }) {
                if entry.what == "cutover", unhealthy.contains(entry.runId) {
                    failed += 1
                    Terminal.err(
                        "NOT cut back \(entry.summary): \(entry.unit) is not healthy again (a fault above was not reverted); "
                            + "its users stay where they are served until it is")
                    continue
                }
                do {
                    let what = try await recovery.revert(entry.id)
                    Terminal.out("reverted \(entry.summary): \(what)")
                } catch {
                    failed += 1
                    unhealthy.insert(entry.runId)
                    Terminal.err("NOT reverted \(entry.summary): \(error)")
                }
            }
            if failed > 0 {
                Terminal.err(
                    "gameday: \(failed) of \(pending.count) could not be reverted; fix the cause and run 'gameday recover' again"
                )
                throw ExitCode(1)
            }
        }
    }
}
