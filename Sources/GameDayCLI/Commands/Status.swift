import ArgumentParser
import Foundation
import GameDayCore
import GameDayRuntime

extension GameDay {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List faults still applied (from the ledger) and drills running now.",
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
                let targets = Set(store.all().map(\.target)).union(name.map { [$0] } ?? [])
                for target in targets.sorted() {
                    if let holder = TargetLock.holder(stateDirectory: ledger.state.path, target: target) {
                        Terminal.out("target \(target): a drill is running (\(holder))")
                    }
                }
                if pending.isEmpty {
                    Terminal.out("no fault is applied" + (name.map { " on target \($0)" } ?? ""))
                } else {
                    Terminal.out(
                        "\(pending.count) still applied (revert with 'gameday recover\(name.map { " --target \($0)" } ?? "")'):"
                    )
                    for entry in pending {
                        Terminal.out("  \(entry.target): \(entry.summary) since \(entry.createdAt)")
                    }
                }
            }
            if !pending.isEmpty { throw ExitCode(1) }
        }
    }
}
