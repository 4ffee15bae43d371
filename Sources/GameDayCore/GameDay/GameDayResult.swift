import Foundation

/// What a game day did, as `gameday.json` archives it: each drill in order, with the run it made
/// (whose own archive holds everything else) or why it did not run.
public struct GameDayResult: Sendable, Hashable, Codable {
    public static let schemaVersion = 1

    /// One drill of the game day.
    public struct DrillRecord: Sendable, Hashable, Codable {
        /// `ran` (a result exists), `refused` (it could not start: a lock, an earlier run's
        /// leftovers, an archive it could not write), `skipped` (the game day stopped before it).
        public enum Status: String, Sendable, Hashable, Codable { case ran, refused, skipped }

        public var drill: String
        public var file: String
        public var status: Status
        public var runId: String?
        public var outcome: RunOutcome?
        public var exitCode: Int32?
        public var reason: String?
        /// The drill's archive (its `result.json`'s directory), relative to the game day's archive.
        public var archive: String?
        /// From the game day's start to this drill's, on the game day's clock.
        public var offsetMs: Double?
        public var durationMs: Double?
        public var rto: RTORecord?
        /// The drill's phases and its fault and recovery moments, from the drill's own start:
        /// enough to draw every drill on the game day's one time axis.
        public var phases: [PhaseRecord]?
        public var faultMs: Double?
        public var recoveredMs: Double?
        /// The variables it was read with (secrets as `***`).
        public var variables: [String: String]?

        enum CodingKeys: String, CodingKey {
            case drill, file, status, runId = "run_id", outcome, exitCode = "exit_code", reason, archive,
                offsetMs = "offset_ms", durationMs = "duration_ms", rto, phases, faultMs = "fault_ms",
                recoveredMs = "recovered_ms", variables
        }

        public init(drill: String, file: String, status: Status, reason: String? = nil) {
            self.drill = drill
            self.file = file
            self.status = status
            self.reason = reason
        }

        /// The record of a drill that ran: the figures the index shows, from its result.
        public init(_ result: RunResult, archive: String?, offsetMs: Double, variables: [String: String]) {
            self.init(drill: result.drill.name, file: result.drill.file, status: .ran, reason: result.reason)
            runId = result.runId
            outcome = result.outcome
            exitCode = result.exitCode
            self.archive = archive
            self.offsetMs = offsetMs
            durationMs = result.durationMs
            rto = result.rto
            phases = result.phases
            faultMs = result.timeline.fault?.ms
            recoveredMs = result.timeline.recovered?.ms
            self.variables = variables.isEmpty ? nil : variables
        }
    }

    public var schemaVersion = GameDayResult.schemaVersion
    /// The game day's own id (each drill has its run id as well).
    public var gameDayId: String
    public var gameDay: RunResult.FileRef
    public var target: RunResult.FileRef
    public var startedAt: String
    public var endedAt: String?
    public var durationMs: Double?
    public var outcome: RunOutcome
    public var exitCode: Int32
    public var reason: String?
    public var stopOn: GameDayPlan.StopPolicy
    public var drills: [DrillRecord]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", gameDayId = "gameday_id", gameDay = "gameday", target,
            startedAt = "started_at", endedAt = "ended_at", durationMs = "duration_ms", outcome,
            exitCode = "exit_code", reason, stopOn = "stop_on", drills
    }

    public init(
        gameDayId: String, gameDay: RunResult.FileRef, target: RunResult.FileRef, startedAt: String,
        stopOn: GameDayPlan.StopPolicy, drills: [DrillRecord] = []
    ) {
        self.gameDayId = gameDayId
        self.gameDay = gameDay
        self.target = target
        self.startedAt = startedAt
        self.stopOn = stopOn
        self.drills = drills
        outcome = .pass
        exitCode = 0
    }

    /// The game day's outcome from its drills': aborted when interrupted, else error when a drill
    /// could not run (or was refused), else fail when one failed, else pass.
    public mutating func conclude(interrupted: Bool, stoppedBy: String?) {
        let outcomes = drills.compactMap { $0.status == .refused ? .error : $0.outcome }
        outcome =
            interrupted || outcomes.contains(.aborted)
            ? .aborted
            : outcomes.contains(.error) || outcomes.contains(.invalid)
                ? .error : outcomes.contains(.fail) ? .fail : .pass
        exitCode = outcome.exitCode
        let failed = drills.filter { ($0.outcome ?? .pass) != .pass || $0.status == .refused }.map {
            "\($0.drill): \($0.status == .refused ? "refused" : $0.outcome?.rawValue ?? "-")"
        }
        var parts: [String] = []
        if !failed.isEmpty { parts.append(failed.joined(separator: ", ")) }
        if let stoppedBy { parts.append(stoppedBy) }
        reason = parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Reads a `gameday.json`.
    public static func read(_ data: Data) throws -> GameDayResult {
        try JSONDecoder().decode(GameDayResult.self, from: data)
    }
}
