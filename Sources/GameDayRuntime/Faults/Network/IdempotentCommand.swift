/// A revert step that may run any number of times: for a ledger recipe written before the fault
/// is applied and run by `gameday recover` or a watchdog after the runner is gone.
///
/// An exit code in `okExitCodes` (besides 0) means "already undone", e.g. `nft delete table`
/// exits 1 for a table that is not there.
public struct IdempotentCommand: Sendable, Hashable, Codable {
    public var argv: [String]
    public var okExitCodes: [Int32]

    public init(_ argv: [String], okExitCodes: [Int32] = []) {
        self.argv = argv
        self.okExitCodes = okExitCodes
    }
}
