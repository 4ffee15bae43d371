/// The `{{values}}` a drill's templates may use, and where; the runner fills in these names.
public enum TemplateVariables {
    public static let gatewayURL = "gateway.url"
    public static let controlPlaneURL = "control_plane.url"
    /// Secret: redacted wherever a rendering is printed.
    public static let controlPlaneToken = "control_plane.token"
    public static let drillName = "drill.name"
    public static let runID = "run.id"
    public static let faultUnit = "fault.unit"
    public static let userID = "user.id"
    public static let userName = "user.name"
    public static let cutoverID = "cutover.id"

    /// Which request a template belongs to.
    public enum Scope: Sendable, Hashable, CustomStringConvertible {
        /// `probe.request`, rendered once per test user.
        case probe
        /// `cutover.request` and `rollback.cutback.request`.
        case cutover
        /// `poll.request` of a cut-over or cut-back, after the id was read.
        case poll

        public var description: String {
            switch self {
            case .probe: "'probe.request'"
            case .cutover: "a cut-over request"
            case .poll: "a 'poll.request'"
            }
        }
    }

    /// Available in every request.
    public static let everywhere = [gatewayURL, controlPlaneURL, controlPlaneToken, drillName, runID, faultUnit]

    /// Every name a template in `scope` may use.
    public static func known(in scope: Scope) -> [String] {
        switch scope {
        case .probe: everywhere + [userID, userName]
        case .cutover: everywhere
        case .poll: everywhere + [cutoverID]
        }
    }

    /// The scope a name is limited to, when it is not available everywhere.
    public static func onlyScope(of name: String) -> Scope? {
        switch name {
        case userID, userName: .probe
        case cutoverID: .poll
        default: nil
        }
    }
}
