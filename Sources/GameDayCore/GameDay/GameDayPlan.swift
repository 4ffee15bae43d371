/// A game day: drills run in order against one target, with pauses between them and a policy on
/// when to stop, as a game-day file describes it.
///
/// ```yaml
/// gameday: storefront-morning
/// description: the storefront's morning of drills
/// stop_on: fail          # fail (default) | error | never
/// pause: 5s              # between two drills (default 0s)
/// vars: { region: cn }   # for every drill
/// drills:
///   - drill: ../drills/storefront-strong-dependency.yaml
///   - drill: ../drills/storefront-weak-dependency.yaml
///     vars: { unit: beijing }
///     pause: 30s         # after this one
/// ```
public struct GameDayPlan: Sendable, Hashable {
    /// When a game day stops before its last drill.
    public enum StopPolicy: String, Sendable, Hashable, CaseIterable, Codable {
        /// After a drill that failed or could not run.
        case fail
        /// Only after a drill that could not run (exit 3: unreachable, refused, invalid).
        case error
        /// Never: every drill runs (an interrupt still stops the game day).
        case never

        /// Whether a drill that ended with `outcome` stops the game day.
        public func stops(after outcome: RunOutcome) -> Bool {
            switch (self, outcome) {
            case (_, .aborted): true
            case (.never, _): false
            case (.fail, .fail), (.fail, .error), (.fail, .invalid), (.error, .error), (.error, .invalid): true
            default: false
            }
        }
    }

    /// One drill of the game day.
    public struct Entry: Sendable, Hashable {
        /// The drill file, resolved against the game-day file's folder.
        public var drill: String
        /// `vars:` of this entry, filled into its drill (over the game day's own).
        public var variables: [Variables.Variable]
        /// The pause after this drill, when it is not the game day's.
        public var pause: Duration?
        public var location: SourceLocation?

        public init(
            drill: String, variables: [Variables.Variable] = [], pause: Duration? = nil,
            location: SourceLocation? = nil
        ) {
            self.drill = drill
            self.variables = variables
            self.pause = pause
            self.location = location
        }
    }

    public var name: String
    public var description: String?
    public var stopOn: StopPolicy
    public var pause: Duration
    /// `vars:` for every drill.
    public var variables: [Variables.Variable]
    public var entries: [Entry]
    public var file: String

    public init(
        name: String, description: String? = nil, stopOn: StopPolicy = .fail, pause: Duration = .zero,
        variables: [Variables.Variable] = [], entries: [Entry], file: String = "<memory>"
    ) {
        self.name = name
        self.description = description
        self.stopOn = stopOn
        self.pause = pause
        self.variables = variables
        self.entries = entries
        self.file = file
    }

    /// The pause after entry `index` (none after the last).
    public func pause(after index: Int) -> Duration {
        guard index < entries.count - 1 else { return .zero }
        return entries[index].pause ?? pause
    }
}
