import Foundation
import GameDayCore

/// `gameday recover`: reverts ledger entries from their recipes, one at a time, under their locks.
public struct LedgerRecovery: Sendable {
    public let store: LedgerStore
    public var recipes = RecipeRunner()

    public init(store: LedgerStore) { self.store = store }

    /// Reverts one entry (nothing when it is already reverted); returns what was done. When the
    /// recipe fails, the entry stays pending with the reason in its note.
    public func revert(_ id: String) async throws -> String {
        let outcome = try await store.modify(id) { entry -> Result<String, any Error> in
            guard entry.isPending else { return .success(entry.note ?? "already reverted") }
            do {
                let what = try await recipes.run(entry.recipe)
                entry.mark(.reverted, note: "gameday recover: \(what)")
                return .success(what)
            } catch {
                entry.note = "gameday recover failed: \(error)"
                entry.updatedAt = WallClock.nowISO()
                return .failure(error)
            }
        }
        return try outcome.get()
    }
}
