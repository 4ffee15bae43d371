// The names themselves live in `Run/TemplateVariables.swift`, where the runner fills them in;
// this says where in a drill each may be used, for `DrillValidator`.
extension TemplateVariables {
    /// Which request a template belongs to.
    public enum Scope: Sendable, Hashable, CustomStringConvertible {
        /// `probe.request`, rendered once per test user.
        case probe
        /// `cutover.request` and `rollback.cutback.request`.
        case cutover
        /// `poll.request` of a cut-over or cut-back, after the task id was read.
        case poll
        /// `rpo.write.request`, rendered once per canary.
        case canaryWrite
        /// `rpo.read.request`, rendered once per canary user.
        case canaryRead
        /// The target's `control_plane.check`, sent by the preflight.
        case check
        /// A drill's `checks[].query` (PromQL), sent to the target's Prometheus.
        case metricQuery

        public var description: String {
            switch self {
            case .probe: "'probe.request'"
            case .cutover: "a cut-over request"
            case .poll: "a 'poll.request'"
            case .canaryWrite: "'rpo.write.request'"
            case .canaryRead: "'rpo.read.request'"
            case .check: "'control_plane.check'"
            case .metricQuery: "a check's 'query'"
            }
        }
    }

    /// Available in every request.
    public static let everywhere = [gatewayURL, controlPlaneURL, controlPlaneToken, drillName, runID, faultUnit]

    /// Every name a template in `scope` may use.
    public static func known(in scope: Scope) -> [String] {
        switch scope {
        case .probe: everywhere + [userID, userName]
        case .cutover: everywhere + moves
        case .poll: everywhere + moves + [cutoverID]
        case .canaryWrite: everywhere + [userID, userName, canarySeq]
        case .canaryRead: everywhere + [userID, userName]
        case .check: everywhere
        // Never a secret: a query is printed and archived as it was sent.
        case .metricQuery: everywhere.filter { $0 != controlPlaneToken }
        }
    }

    /// What a cut-over moves: in cut-over and cut-back requests and their polls.
    public static let moves = [cutoverUsers, cutoverFrom, cutoverTo, cutoverShards, cutoverMoves]

    /// The one scope a name is limited to, or nil when it is available everywhere (or unknown).
    public static func onlyScope(of name: String) -> Scope? {
        switch name {
        case userID, userName: .probe
        case cutoverID: .poll
        case cutoverUsers, cutoverFrom, cutoverTo, cutoverShards, cutoverMoves: .cutover
        case canarySeq: .canaryWrite
        default: nil
        }
    }
}
