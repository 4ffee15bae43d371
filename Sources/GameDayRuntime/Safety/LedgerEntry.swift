import Foundation
import GameDayCore

/// One record of the ledger: something a run applied (or was about to), and how to undo it.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Codable {
        /// Written before the apply: it may or may not be in place.
        case intended
        /// In place.
        case applied
        /// Undone: nothing left to do.
        case reverted
        /// Left for `gameday recover` on purpose: the runner would not undo it yet (a cut-back to a
        /// unit that is not healthy again, or beside a cut-over task still running). Its watchdog
        /// leaves it alone; `status` lists it, and a new run refuses to start over it.
        case withheld
    }

    public var id: String
    public var runId: String
    public var target: String
    public var what: String
    public var unit: String
    public var recipe: RevertRecipe
    public var state: State
    public var runnerPid: Int32
    public var createdAt: String
    public var updatedAt: String
    /// How it was reverted, or why the last attempt failed.
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case id, runId = "run_id", target, what, unit, recipe, state, runnerPid = "runner_pid",
            createdAt = "created_at", updatedAt = "updated_at", note
    }

    public var isPending: Bool { state != .reverted }

    /// `fault product-down (beijing) of run 8f3a1c2d, applied`
    public var summary: String { "\(what) (\(unit)) of run \(runId), \(state.rawValue)" }
}
