import Foundation
import GameDayCore

/// `gameday recover`: reverts ledger entries one at a time, the same way as the run and the watchdog
/// (`LedgerRevert`), withheld cut-backs included.
public struct LedgerRecovery: Sendable {
    public let store: LedgerStore
    public var recipes = RecipeRunner()

    public init(store: LedgerStore) { self.store = store }

    /// Reverts one entry (nothing when it is already reverted); returns what was done. When the
    /// recipe fails, the entry stays pending with the reason in its note.
    public func revert(_ id: String) async throws -> String {
        try await LedgerRevert(store: store, recipes: recipes).revert(id, as: "gameday recover", evenWithheld: true)
            .text
    }
}
