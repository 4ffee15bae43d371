/// What the sample store keeps of one user group: timing aggregates per phase, and success over time.
struct GroupTrack {
    /// By phase index (-1: before the first phase began).
    var aggregates: [Int: ProbeAggregate] = [:]
    var buckets = GroupBuckets()
}
