/// The `{{names}}` a drill's templates can use.
public enum TemplateVariables {
    public static let gatewayURL = "gateway.url"
    public static let controlPlaneURL = "control_plane.url"
    /// Secret: redacted wherever it is shown.
    public static let controlPlaneToken = "control_plane.token"
    public static let drillName = "drill.name"
    public static let runID = "run.id"
    public static let faultUnit = "fault.unit"
    /// Only in `probe.request`.
    public static let userID = "user.id"
    public static let userName = "user.name"
    /// Only in a `poll.request`.
    public static let cutoverID = "cutover.id"
    /// Only in `rpo.write.request`: the canary's number, 1, 2, 3... per user.
    public static let canarySeq = "canary.seq"
}
