/// What the store knew at the end of the run.
public struct SampleSnapshot: Sendable {
    public struct User: Sendable {
        public var samples: Int
        public var skipped: Int
        /// Of `samples`, those sent at a focus's fine interval (`ProbeSample.focused`).
        public var focused: Int
        public var segments: [TimelineSegment]
        public var truncatedSamples: Int
        /// From the first fault; nil when no fault was applied.
        public var impact: UserImpact?
        public var failuresSinceFault: Int
        public var firstFailureSinceFault: ProbeSample?
    }

    public struct Group: Sendable {
        public var name: String
        public var timings: [PhaseTimings]
        public var buckets: [GroupBucket]
    }

    public var users: [String: User]
    public var groups: [Group]
    public var bucketMs: Double
}
