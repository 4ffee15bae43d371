import ArgumentParser

/// The ledger to read, and optionally one target's part of it (`status`, `recover`).
struct LedgerOptions: ParsableArguments {
    @OptionGroup var state: StateOptions

    @Option(name: .shortAndLong, help: "Only this target (a target file or a target name).")
    var target: String?

    /// The target's name, read from the file when a file is given.
    var targetName: String? { StateOptions.targetName(target) }
}
