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

    /// Moves to `state`, never back from reverted: whoever reverted it (a watchdog, `recover`) was
    /// right, and a late word from the runner must not make it pending again.
    public mutating func mark(_ state: State, note: String? = nil) {
        guard self.state != .reverted else { return }
        self.state = state
        self.note = note ?? self.note
        updatedAt = WallClock.nowISO()
    }

    /// `fault product-down (beijing) of run 8f3a1c2d, applied`
    public var summary: String { "\(what) (\(unit)) of run \(runId), \(state.rawValue)" }

    /// Whether this is the run's cut-over (its recipe is the cut-back), not a fault.
    public var isCutover: Bool { recipe.steps.contains { if case .cutback = $0 { true } else { false } } }

    /// A pending entry in words that claim no more than the ledger knows: an intended entry was
    /// written before its apply, which may or may not have happened (the runner was killed between).
    ///
    /// `fault product-down (beijing) of run 8f3a1c2d, applied since …`,
    /// `fault product-down (beijing) of run 8f3a1c2d, which may have been applied (intended at …)`,
    /// `a cut-over (beijing) of run 8f3a1c2d that may have been sent at …; recover will cut back`
    public var pendingDescription: String {
        let subject = "(\(unit)) of run \(runId)"
        switch (isCutover, state) {
        case (true, .intended):
            return "a cut-over \(subject) that may have been sent at \(createdAt); recover will cut back"
        case (true, .withheld):
            return "a cut-over \(subject), sent at \(createdAt), not cut back on purpose (\(note ?? "withheld")); "
                + "recover will cut back once its unit is mended"
        case (true, _): return "a cut-over \(subject), sent at \(createdAt); recover will cut back"
        case (false, .intended):
            return "fault \(what) \(subject), which may have been applied (intended at \(createdAt))"
        case (false, _): return "fault \(what) \(subject), \(state.rawValue) since \(createdAt)"
        }
    }
}
