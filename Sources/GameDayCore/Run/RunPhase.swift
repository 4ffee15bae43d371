/// A phase of a run, in the order the runner goes through them.
///
/// The raw value is the phase's name in `result.json` (`phases[].name`, a group's
/// `timings[].phase`), on the terminal and in the report. Its words are joined by a hyphen
/// (`steady-state`) while the verdicts' names use an underscore (`steady_state`): both spellings
/// are in every archive written so far and in the result's schema, so each keeps its own, and a
/// phase is spelled here only.
public enum RunPhase: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case preflight
    case steadyState = "steady-state"
    case inject
    case observe
    /// Waiting for the decision to cut over (`cutover.trigger: prompt | external`); probes go on.
    case decide
    case cutover
    case recovery
    case rpo
    case rollback
    case verifyRollback = "verify-rollback"

    public var description: String { rawValue }
}
