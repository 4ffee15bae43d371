/// What `gameday history` reads of one `result.json`: a lenient projection, not the full `RunResult`.
///
/// Only `schema_version`, `run_id`, `drill.name`, `started_at` and `outcome` are required; every
/// other member is optional, because early version-1 files lack some (`groups`, `rpo`, …) and a
/// run that stopped early never reached others (`rto.measured_ms`, `cutover`). Keeping this apart
/// from `RunResult` lets the writer grow without breaking the reading of older archives.
public struct ArchivedRun: Sendable, Hashable, Decodable {
    /// The schema versions this projection reads: 1, and 2 (1 plus `archive`).
    public static let readableVersions = RunResult.readableVersions

    public struct DrillName: Sendable, Hashable, Decodable {
        public var name: String
    }

    public struct TargetName: Sendable, Hashable, Decodable {
        public var name: String?
    }

    public struct Verdict: Sendable, Hashable, Decodable {
        public var name: String
        public var status: String?
    }

    public struct RTO: Sendable, Hashable, Decodable {
        public var goalMs: Double?
        public var measuredMs: Double?
        public var met: Bool?
        public var detectMs: Double?
        public var switchMs: Double?

        enum CodingKeys: String, CodingKey {
            case goalMs = "goal_ms", measuredMs = "measured_ms", met, detectMs = "detect_ms", switchMs = "switch_ms"
        }
    }

    public struct RPO: Sendable, Hashable, Decodable {
        public var goalMs: Double?
        public var observedMs: Double?
        public var met: Bool?
        public var lost: Int?

        enum CodingKeys: String, CodingKey { case goalMs = "goal_ms", observedMs = "observed_ms", met, lost }
    }

    public struct Cutover: Sendable, Hashable, Decodable {
        public var startedMs: Double?
        public var doneMs: Double?

        enum CodingKeys: String, CodingKey { case startedMs = "started_ms", doneMs = "done_ms" }
    }

    /// Version 2's `archive`: the files of the run beside `result.json`.
    public struct Files: Sendable, Hashable, Codable {
        public var result: String?
        public var junit: String?
        public var report: String?
        public var rawSamples: String?

        enum CodingKeys: String, CodingKey { case result, junit, report, rawSamples = "raw_samples" }
    }

    public var schemaVersion: Int
    public var runId: String
    public var drill: DrillName
    public var target: TargetName?
    public var startedAt: String
    public var outcome: String
    public var exitCode: Int?
    public var reason: String?
    public var verdicts: [Verdict]?
    public var rto: RTO?
    public var rpo: RPO?
    public var cutover: Cutover?
    public var probeIntervalMs: Double?
    public var archive: Files?

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", runId = "run_id", drill, target, startedAt = "started_at", outcome,
            exitCode = "exit_code", reason, verdicts, rto, rpo, cutover, probeIntervalMs = "probe_interval_ms", archive
    }

    /// The names of the verdicts that failed, in the run's order.
    public var failedVerdicts: [String] {
        (verdicts ?? []).filter { $0.status == "fail" }.map(\.name)
    }

    /// How long the control plane took to cut over: from the request to `done`, else the RTO's
    /// switch part.
    public var cutoverMs: Double? {
        if let started = cutover?.startedMs, let done = cutover?.doneMs { return done - started }
        return rto?.switchMs
    }
}
