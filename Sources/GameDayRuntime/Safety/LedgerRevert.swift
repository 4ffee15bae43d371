import GameDayCore

/// The one way a ledger entry is reverted: by the runner's rollback (`FileLedger.revert`), by a
/// watchdog and by `gameday recover` alike. Under the entry's lock, it runs the recipe the entry
/// recorded (each step proves itself: a process found again and healthy, a table gone, the qdiscs
/// as they were) and marks the entry reverted, so that whoever comes second finds it done and does
/// nothing.
public struct LedgerRevert: Sendable {
    public var store: LedgerStore
    public var recipes: RecipeRunner

    public init(store: LedgerStore, recipes: RecipeRunner = RecipeRunner()) {
        self.store = store
        self.recipes = recipes
    }

    /// What happened to the entry.
    public enum Outcome: Sendable, Equatable {
        /// This call ran the recipe: what it did.
        case reverted(String)
        /// Someone else reverted it first (or nothing was ever applied): their note.
        case alreadyDone(String)
        /// Left for `gameday recover` on purpose: the reason.
        case withheld(String)

        public var text: String {
            switch self {
            case .reverted(let what), .alreadyDone(let what), .withheld(let what): what
            }
        }
    }

    /// Reverts entry `id` as `who` (`the run`, `the watchdog (…)`, `gameday recover`). A withheld
    /// entry is left alone unless `evenWithheld` (only `gameday recover` finishes those). When the
    /// recipe fails the entry stays pending, its note saying why, and the error is thrown.
    public func revert(_ id: String, as who: String, evenWithheld: Bool = false) async throws -> Outcome {
        let outcome = try await store.modify(id) { entry -> Result<Outcome, any Error> in
            guard entry.isPending else { return .success(.alreadyDone(entry.note ?? "already reverted")) }
            if entry.state == .withheld, !evenWithheld {
                return .success(.withheld("left for gameday recover (\(entry.note ?? "withheld"))"))
            }
            do {
                let what = try await recipes.run(entry.recipe)
                entry.mark(.reverted, note: "\(who): \(what)")
                return .success(.reverted(what))
            } catch {
                entry.note = "\(who) failed: \(error)"
                entry.updatedAt = WallClock.nowISO()
                return .failure(error)
            }
        }
        return try outcome.get()
    }
}
