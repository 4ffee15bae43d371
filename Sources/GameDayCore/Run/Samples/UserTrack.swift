/// What the sample store keeps of one user: its samples put back in order, and folded into a
/// run-length timeline, the impact and blast-radius trackers, and the last failure.
struct UserTrack {
    let user: TestUser
    let home: String?
    /// The index of its group.
    let group: Int
    var order = ReorderBuffer()
    var count = 0
    var skipped = 0
    /// Samples sent at a focus's fine interval.
    var focused = 0
    var lastSent: Duration?
    var lastFailed: ProbeSample?
    var lastStray: ProbeSample?
    var last: (ok: Bool, unit: String?)?
    var segments: [TimelineSegment] = []
    var truncated = 0
    var impact: ImpactTracker?
    var guardWindow: GuardWindow?

    init(user: TestUser, home: String?, group: Int) {
        self.user = user
        self.home = home
        self.group = group
    }
}
