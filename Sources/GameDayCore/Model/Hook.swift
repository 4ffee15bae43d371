/// A command run before or after a phase of a run: `hooks:` of a target (environment-specific,
/// run first) or of a drill (drill-specific).
///
/// ```yaml
/// hooks:
///   - name: change-ticket
///     before: inject
///     run: [./scripts/open-ticket.sh, "{{drill.name}}"]
///     timeout: 30s
///     on_failure: abort
/// ```
public struct Hook: Sendable, Hashable {
    /// When a hook runs.
    public enum Moment: Sendable, Hashable, CustomStringConvertible {
        /// Before the phase starts (the runner waits for it).
        case before(RunPhase)
        /// Once the phase is over: when the next one starts, or the run's phases end.
        case after(RunPhase)
        /// `after: run` — once the run is over and its outcome known (`GAMEDAY_OUTCOME`), before
        /// it is archived.
        case afterRun

        /// `before inject`, `after rollback`, `after run`.
        public var description: String {
            switch self {
            case .before(let phase): "before \(Self.word(phase))"
            case .after(let phase): "after \(Self.word(phase))"
            case .afterRun: "after run"
            }
        }

        /// Whether no fault can have been applied yet when it runs: up to `before: inject`. Only
        /// such a hook may stop the run (`on_failure: abort`): nothing is harmed yet.
        public var precedesFaults: Bool {
            switch self {
            case .before(let phase): [.preflight, .steadyState, .inject].contains(phase)
            case .after(let phase): [.preflight, .steadyState].contains(phase)
            case .afterRun: false
            }
        }

        /// A phase as hooks name it: its verdict spelling (`steady_state`, `verify_rollback`).
        public static func word(_ phase: RunPhase) -> String { phase.rawValue.replacing("-", with: "_") }
    }

    /// What a failed hook does to the run.
    public enum OnFailure: String, Sendable, Hashable, Codable {
        /// Stops the run before any fault (exit 3); only for hooks that precede the faults.
        case abort
        /// Warns on stderr; the run goes on.
        case warn
    }

    /// A slug, unique among the hooks of its file: its log is `hooks/<name>.log` in the archive.
    public var name: String
    public var moment: Moment
    /// `run: [argv…]` — templates as a cut-over's `command:`; no shell unless written (`sh -c`).
    public var run: CommandTemplate
    /// Killed (its whole process group) when it runs longer.
    public var timeout: Duration
    public var onFailure: OnFailure
    public var location: SourceLocation?

    public init(
        name: String, moment: Moment, run: CommandTemplate, timeout: Duration = Hook.defaultTimeout,
        onFailure: OnFailure = .warn, location: SourceLocation? = nil
    ) {
        self.name = name
        self.moment = moment
        self.run = run
        self.timeout = timeout
        self.onFailure = onFailure
        self.location = location
    }

    public static let defaultTimeout = Duration.seconds(60)
}
