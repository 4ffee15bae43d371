import Foundation
import GameDayCore

/// `gameday recover`: reverts ledger entries from their recipes, one at a time, under their locks.
public struct LedgerRecovery: Sendable {
    public let store: LedgerStore
    public var recipes = RecipeRunner()

    public init(store: LedgerStore) { self.store = store }

    /// Reverts one entry (nothing when it is already reverted); returns what was done.
    public func revert(_ id: String) async throws -> String {
        try await store.withLock(id) {
            var entry = try store.read(id)
            guard entry.isPending else { return entry.note ?? "already reverted" }
            do {
                let what = try await recipes.run(entry.recipe)
                entry.state = .reverted
                entry.note = "gameday recover: \(what)"
                entry.updatedAt = WallClock.nowISO()
                try store.write(entry)
                return what
            } catch {
                entry.note = "gameday recover failed: \(error)"
                entry.updatedAt = WallClock.nowISO()
                try? store.write(entry)
                throw error
            }
        }
    }
}
