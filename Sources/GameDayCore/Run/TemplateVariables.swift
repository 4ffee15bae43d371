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
    /// Only in a `poll.request`: the task id the cut-over's (or, in the cut-back's poll, the
    /// cut-back's own) answer named.
    public static let cutoverID = "cutover.id"
    /// In cut-over and cut-back requests and their polls: the users the cut-over moves (every user
    /// with `recovers_on`), as a JSON array of ids (`[6000,6001]`), the unit they leave (the faulted
    /// unit) and the unit they move to (their `recovers_on`, when they share one).
    public static let cutoverUsers = "cutover.users"
    public static let cutoverFrom = "cutover.from"
    public static let cutoverTo = "cutover.to"
    /// In cut-over and cut-back requests and their polls: the shards the cut-over moves, as a JSON
    /// array (`["shenzhen-west","shenzhen-east"]`), and where each goes, as a JSON object
    /// (`{"shenzhen-west":"beijing","shenzhen-east":"hangzhou"}`): the drill's `cutover.moves`, or
    /// every shard of the faulted unit to `{{cutover.to}}`.
    public static let cutoverShards = "cutover.shards"
    public static let cutoverMoves = "cutover.moves"
    /// Values that are JSON: a request body's string that is one of them alone
    /// (`shards: "{{cutover.moves}}"`) is that JSON value, not a string.
    public static let jsonValued: Set<String> = [cutoverUsers, cutoverShards, cutoverMoves]
    /// Only in `rpo.write.request`: the canary's number, 1, 2, 3... per user.
    public static let canarySeq = "canary.seq"
}
