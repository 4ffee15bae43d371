/// The check after the rollback that the steady state came back: every user healthy on its home unit.
public struct RollbackCheckRecord: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Every user healthy on its home unit for the rollback's steady-state window.
        case healthy
        /// Not back within the check's time; `problem` says who and how.
        case unhealthy
        /// Not checked; `problem` says why (a fault is still applied, no probe ran, a second
        /// interrupt). A run that applied nothing and cut nothing over has no check at all.
        case notChecked = "not-checked"
    }

    public var outcome: Outcome
    public var problem: String?
    /// When the check started and ended, from the run's start.
    public var startedMs: Double?
    public var endedMs: Double?

    public init(outcome: Outcome, problem: String? = nil, startedMs: Double? = nil, endedMs: Double? = nil) {
        self.outcome = outcome
        self.problem = problem
        self.startedMs = startedMs
        self.endedMs = endedMs
    }

    enum CodingKeys: String, CodingKey { case outcome, problem, startedMs = "started_ms", endedMs = "ended_ms" }
}
