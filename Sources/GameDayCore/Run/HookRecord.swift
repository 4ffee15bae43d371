/// One hook as it ran, as `result.json` keeps it: its command with secrets redacted, how it
/// ended, and its log in the archive.
public struct HookRecord: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Exited with status 0.
        case ok
        /// Exited with another status, or could not be started or rendered.
        case failed
        /// Killed (with everything it started) at its timeout.
        case timedOut = "timed_out"
    }

    public var name: String
    /// `before inject`, `after rollback`, `after run`.
    public var moment: String
    /// `target` or `drill`: the file that declares it.
    public var source: String
    public var argv: [String]
    public var outcome: Outcome
    public var exitCode: Int32?
    /// Why it failed, in words.
    public var error: String?
    public var onFailure: Hook.OnFailure
    /// When it started, from the run's start.
    public var startedMs: Double
    public var durationMs: Double
    /// Its stdout and stderr, relative to the archive (`hooks/<name>.log`).
    public var log: String?

    public init(
        name: String, moment: String, source: String, argv: [String], outcome: Outcome, exitCode: Int32? = nil,
        error: String? = nil, onFailure: Hook.OnFailure, startedMs: Double, durationMs: Double, log: String? = nil
    ) {
        self.name = name
        self.moment = moment
        self.source = source
        self.argv = argv
        self.outcome = outcome
        self.exitCode = exitCode
        self.error = error
        self.onFailure = onFailure
        self.startedMs = startedMs
        self.durationMs = durationMs
        self.log = log
    }

    enum CodingKeys: String, CodingKey {
        case name, moment, source, argv, outcome, exitCode = "exit_code", error, onFailure = "on_failure",
            startedMs = "started_ms", durationMs = "duration_ms", log
    }
}
