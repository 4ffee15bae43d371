import ArgumentParser
import Foundation
import GameDayCore
import GameDayRuntime

/// The ledger to read, and optionally one target's part of it (`status`, `recover`).
struct LedgerOptions: ParsableArguments {
    @OptionGroup var state: StateOptions

    @Option(name: .shortAndLong, help: "Only this target (a target file or a target name).")
    var target: String?

    /// The target's name, read from the file when a file is given.
    var targetName: String? { StateOptions.targetName(target) }

    /// The system the target file points at; nil when no file is given (or a name).
    var targetIdentity: TargetIdentity? {
        guard let target, FileManager.default.fileExists(atPath: target),
            let loaded = try? DrillLoader.loadTarget(path: target)
        else { return nil }
        return TargetIdentity(loaded)
    }
}
