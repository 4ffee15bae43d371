/// The run as it is now, for a live status line.
public struct LiveStatus: Sendable, Hashable {
    public struct Group: Sendable, Hashable {
        public var name: String
        public var ok = 0
        public var failed = 0
        /// Answers by serving unit.
        public var units: [String: Int] = [:]

        public init(name: String, ok: Int = 0, failed: Int = 0, units: [String: Int] = [:]) {
            self.name = name
            self.ok = ok
            self.failed = failed
            self.units = units
        }

        /// The unit that answered most, if any answered.
        public var unit: String? { units.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key }
    }

    /// Nil before the first phase began.
    public var phase: RunPhase?
    public var elapsed: Duration
    public var groups: [Group]

    public init(phase: RunPhase?, elapsed: Duration, groups: [Group]) {
        self.phase = phase
        self.elapsed = elapsed
        self.groups = groups
    }
}
