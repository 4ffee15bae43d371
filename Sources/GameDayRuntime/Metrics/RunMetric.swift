/// A figure of a run as a Prometheus metric family: every one a gauge, one sample per run.
///
/// The order of the cases is the order of the exposition. The RTO's parts are named as the result's
/// breakdown names them (`rto.detect_ms`, `decide_ms`, `switch_ms`, `converge_ms`).
public enum RunMetric: String, Sendable, CaseIterable {
    case outcome
    case runStart
    case runDuration
    case rto
    case rtoGoal
    case detect
    case decide
    case switchOver
    case converge
    case rpo
    case rpoGoal
    case lostWrites
    case writeBlocked
    case usersImpacted
    case blastRadiusUsers

    /// The name without its unit: `gameday_rto`.
    var base: String {
        switch self {
        case .outcome: "gameday_outcome"
        case .runStart: "gameday_run_start_timestamp"
        case .runDuration: "gameday_run_duration"
        case .rto: "gameday_rto"
        case .rtoGoal: "gameday_rto_goal"
        case .detect: "gameday_detect"
        case .decide: "gameday_decide"
        case .switchOver: "gameday_switch"
        case .converge: "gameday_converge"
        case .rpo: "gameday_rpo"
        case .rpoGoal: "gameday_rpo_goal"
        case .lostWrites: "gameday_lost_writes"
        case .writeBlocked: "gameday_write_blocked"
        case .usersImpacted: "gameday_users_impacted"
        case .blastRadiusUsers: "gameday_blast_radius_users"
        }
    }

    /// `seconds` for times and durations; nil for counts and the outcome.
    var unit: String? {
        switch self {
        case .outcome, .lostWrites, .usersImpacted, .blastRadiusUsers: nil
        default: "seconds"
        }
    }

    /// The metric's name: `gameday_rto_seconds`.
    public var name: String { unit.map { "\(base)_\($0)" } ?? base }

    var help: String {
        switch self {
        case .outcome: "How the run ended (the outcome label: pass, fail, invalid, error, aborted); always 1."
        case .runStart: "When the run started, in Unix seconds."
        case .runDuration: "How long the run took, from its start to its end."
        case .rto: "The RTO measured: from the fault to the recovery of every impacted user."
        case .rtoGoal: "The drill's RTO goal."
        case .detect: "The RTO's detect part: from the fault to the first failed probe of an impacted user."
        case .decide: "The RTO's decide part: from the detection to the cut-over request."
        case .switchOver: "The RTO's switch part: from the cut-over request to the control plane reporting it done."
        case .converge: "The RTO's converge part: from the cut-over done to the recovery of every impacted user."
        case .rpo: "The RPO observed by canary writes: the fault less the acknowledgement of the last surviving write."
        case .rpoGoal: "The drill's RPO goal."
        case .lostWrites: "Acknowledged canary writes missing after the cut-over."
        case .writeBlocked: "How long canary writes were refused while the cut-over blocked writes."
        case .usersImpacted: "Test users that failed while the faults were applied."
        case .blastRadiusUsers: "Test users expected to be unaffected that failed after the fault (the blast radius)."
        }
    }
}
