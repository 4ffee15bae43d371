import Foundation

/// How a run ended, and the exit code that tells CI.
public enum RunOutcome: String, Sendable, Codable, CaseIterable {
    /// Every verdict passed.
    case pass
    /// At least one verdict failed.
    case fail
    /// The drill or target file (or the arguments) were invalid.
    case invalid
    /// The run could not start or go on: target unreachable, a process missing, a fault that would not apply.
    case error
    /// Stopped by Ctrl-C or SIGTERM; every fault was still reverted.
    case aborted

    /// The documented exit code (see the README).
    public var exitCode: Int32 {
        switch self {
        case .pass: 0
        case .fail: 1
        case .invalid: 2
        case .error: 3
        case .aborted: 4
        }
    }
}

/// The archived result of one run (`result.json`, described by `schemas/result.schema.json`).
///
/// Schema versions:
/// - 1: the first archives; later version-1 files added `groups`, `rpo`, `raw_samples` and users'
///   `skipped`, so a version-1 file may lack them.
/// - 2: `archive` lists the run's files (`raw_samples` moved into it).
/// - 3: `timeline.fault` is the effecting action itself and `inject` reports the preparation
///   before it; moments carry `unix_ms` and, for those a probe marks, `observed_ms`/`observed_at`;
///   faults carry `prepare_ms`, `effect_ms` and `proven_ms`; `rollback_check` and `interrupted_ms`
///   are new; users' `first_failure_since_fault_ms` counts from the fault (it counted from the
///   run's start before, and is converted when an older file is read).
/// - 4: routing keys are text: users' `id`, groups' `users` and `rpo.users` are strings (`"6000"`,
///   `"M100017"`, `"22.54,114.06"`); older files' integers are read as their decimal text. Users
///   carry the `shard` the rule put them in, and the cut-over its shard `moves`.
///
/// `read` takes every one; a newer version is refused with `ArchiveProblem.newerVersion`.
public struct RunResult: Sendable, Hashable, Codable {
    public static let schemaVersion = 4
    /// The versions this build reads.
    public static let readableVersions = 1...4

    public struct FileRef: Sendable, Hashable, Codable {
        public var name: String
        public var file: String

        public init(name: String, file: String) {
            self.name = name
            self.file = file
        }
    }

    public var schemaVersion = RunResult.schemaVersion
    public var runId: String
    public var drill: FileRef
    public var target: FileRef
    public var startedAt: String
    public var endedAt: String?
    public var durationMs: Double?
    public var outcome: RunOutcome
    public var exitCode: Int32
    public var reason: String?
    public var verdicts: [Verdict] = []
    public var phases: [PhaseRecord] = []
    public var timeline = TimelineRecord()
    public var rto: RTORecord?
    public var users: [UserRecord] = []
    public var faults: [FaultRecord] = []
    public var cutover: CutoverArchive?
    public var cutback: CutoverArchive?
    public var probeIntervalMs: Double
    /// The probes sent, and those of them focused around the fault and the cut-over; nil in files
    /// written before they were counted.
    public var probes: ProbeCountRecord?
    /// Per user group: impact, timeline, RTO, success over time, timings per phase.
    public var groups: [GroupRecord] = []
    /// The RPO measured by canary writes, when the drill has `rpo:`.
    public var rpo: RPORecord?
    /// How the faults went in, when one took effect.
    public var inject: InjectRecord?
    /// The check after the rollback that the steady state came back.
    public var rollbackCheck: RollbackCheckRecord?
    /// When the first Ctrl-C or SIGTERM arrived, from the run's start; nil when none did.
    public var interruptedMs: Double?
    /// The drill's metric checks, each with its evaluations.
    public var checks: [CheckRecord] = []
    /// The decision to cut over, when the drill's trigger waited for one (`prompt`, `external`).
    public var decision: CutoverDecisionRecord?
    /// The hooks that ran (`hooks:` of the target and the drill), each with its log.
    public var hooks: [HookRecord] = []
    /// Each notification sent to each webhook (`notify:`, `--notify`), and how it went.
    public var notifications: [NotificationRecord] = []
    /// The run's files; nil until the run is archived.
    public var archive: ArchiveFiles?
    /// The `--var`/`--var-file` values the drill and target were read with, a secret's as `***`.
    public var variables: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", runId = "run_id", drill, target, startedAt = "started_at",
            endedAt = "ended_at", durationMs = "duration_ms", outcome, exitCode = "exit_code", reason, verdicts,
            phases, timeline, rto, users, faults, cutover, cutback, probeIntervalMs = "probe_interval_ms", probes,
            groups,
            rpo,
            inject, rollbackCheck = "rollback_check", interruptedMs = "interrupted_ms", checks, decision, archive,
            variables, hooks, notifications
    }
}

extension RunResult {
    /// Version 1's place for the raw samples file.
    private enum Version1Keys: String, CodingKey { case rawSamples = "raw_samples" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        guard Self.readableVersions.contains(schemaVersion) else {
            throw DecodingError.dataCorruptedError(
                forKey: .schemaVersion, in: c,
                debugDescription: "version \(schemaVersion) is not one this gameday reads")
        }
        runId = try c.decode(String.self, forKey: .runId)
        drill = try c.decode(FileRef.self, forKey: .drill)
        target = try c.decode(FileRef.self, forKey: .target)
        startedAt = try c.decode(String.self, forKey: .startedAt)
        endedAt = try c.decodeIfPresent(String.self, forKey: .endedAt)
        durationMs = try c.decodeIfPresent(Double.self, forKey: .durationMs)
        outcome = try c.decode(RunOutcome.self, forKey: .outcome)
        exitCode = try c.decode(Int32.self, forKey: .exitCode)
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        verdicts = try c.decode([Verdict].self, forKey: .verdicts)
        phases = try c.decode([PhaseRecord].self, forKey: .phases)
        timeline = try c.decode(TimelineRecord.self, forKey: .timeline)
        rto = try c.decodeIfPresent(RTORecord.self, forKey: .rto)
        users = try c.decode([UserRecord].self, forKey: .users)
        faults = try c.decode([FaultRecord].self, forKey: .faults)
        cutover = try c.decodeIfPresent(CutoverArchive.self, forKey: .cutover)
        cutback = try c.decodeIfPresent(CutoverArchive.self, forKey: .cutback)
        probeIntervalMs = try c.decode(Double.self, forKey: .probeIntervalMs)
        probes = try c.decodeIfPresent(ProbeCountRecord.self, forKey: .probes)
        groups = try c.decodeIfPresent([GroupRecord].self, forKey: .groups) ?? []
        rpo = try c.decodeIfPresent(RPORecord.self, forKey: .rpo)
        inject = try c.decodeIfPresent(InjectRecord.self, forKey: .inject)
        rollbackCheck = try c.decodeIfPresent(RollbackCheckRecord.self, forKey: .rollbackCheck)
        interruptedMs = try c.decodeIfPresent(Double.self, forKey: .interruptedMs)
        checks = try c.decodeIfPresent([CheckRecord].self, forKey: .checks) ?? []
        variables = try c.decodeIfPresent([String: String].self, forKey: .variables) ?? [:]
        decision = try c.decodeIfPresent(CutoverDecisionRecord.self, forKey: .decision)
        hooks = try c.decodeIfPresent([HookRecord].self, forKey: .hooks) ?? []
        notifications = try c.decodeIfPresent([NotificationRecord].self, forKey: .notifications) ?? []
        if schemaVersion < 3, let fault = timeline.fault?.ms {
            // Versions 1 and 2 counted it from the run's start.
            for index in users.indices { users[index].firstFailureSinceFaultMs? -= fault }
        }
        if schemaVersion >= 2 {
            archive = try c.decodeIfPresent(ArchiveFiles.self, forKey: .archive)
        } else {
            let raw = try decoder.container(keyedBy: Version1Keys.self).decodeIfPresent(
                String.self, forKey: .rawSamples)
            archive = ArchiveFiles(result: "result.json", rawSamples: raw)
        }
    }

    /// Reads a `result.json` of any readable version.
    public static func read(_ data: Data) throws(ArchiveProblem) -> RunResult {
        try ResultDecoding.decode(RunResult.self, from: data)
    }
}

/// One user group's story: listed users are groups of one unless they name a `group:`; a generated
/// group is one group.
public struct GroupRecord: Sendable, Hashable, Codable {
    public var name: String
    @RoutingKeys public var users: [String]
    /// `fail`, `none`, `any`, or `mixed` when its users expect different things.
    public var expectedImpact: String
    public var recoversOn: String?
    /// Users that failed at least once while the faults were applied.
    public var impacted: Int
    public var failures: Int
    public var samples: Int
    public var skipped: Int
    /// The group's own timeline: its first failure, and when its last user got a first success,
    /// recovered, and confirmed it.
    public var detectMs: Double?
    public var firstOkMs: Double?
    public var recoveredMs: Double?
    public var confirmedMs: Double?
    /// The group's RTO (from the first fault to its recovery) with the breakdown.
    public var rto: RTORecord?
    /// The width of a success bucket.
    public var bucketMs: Double
    /// Success and serving unit over time, one entry per bucket with probes in it.
    public var buckets: [GroupBucket]
    /// Counts and curl's phase timings of its probes, per phase of the run.
    public var timings: [PhaseTimings]

    enum CodingKeys: String, CodingKey {
        case name, users, expectedImpact = "expected_impact", recoversOn = "recovers_on", impacted, failures,
            samples, skipped, detectMs = "detect_ms", firstOkMs = "first_ok_ms", recoveredMs = "recovered_ms",
            confirmedMs = "confirmed_ms", rto, bucketMs = "bucket_ms", buckets, timings
    }
}

extension UserRecord {
    /// Early version-1 files have no `skipped` and no `timeline_truncated_samples`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try RoutingKeys.decodeKey(c, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        home = try c.decodeIfPresent(String.self, forKey: .home)
        shard = try c.decodeIfPresent(String.self, forKey: .shard)
        expectedImpact = try c.decode(String.self, forKey: .expectedImpact)
        recoversOn = try c.decodeIfPresent(String.self, forKey: .recoversOn)
        servedBefore = try c.decodeIfPresent(String.self, forKey: .servedBefore)
        servedAfter = try c.decodeIfPresent(String.self, forKey: .servedAfter)
        impacted = try c.decode(Bool.self, forKey: .impacted)
        failures = try c.decode(Int.self, forKey: .failures)
        samplesDuringFault = try c.decode(Int.self, forKey: .samplesDuringFault)
        samples = try c.decode(Int.self, forKey: .samples)
        skipped = try c.decodeIfPresent(Int.self, forKey: .skipped) ?? 0
        firstFailureMs = try c.decodeIfPresent(Double.self, forKey: .firstFailureMs)
        firstOkMs = try c.decodeIfPresent(Double.self, forKey: .firstOkMs)
        recoveredMs = try c.decodeIfPresent(Double.self, forKey: .recoveredMs)
        confirmedMs = try c.decodeIfPresent(Double.self, forKey: .confirmedMs)
        timeline = try c.decode([TimelineSegment].self, forKey: .timeline)
        timelineTruncatedSamples = try c.decodeIfPresent(Int.self, forKey: .timelineTruncatedSamples)
        failuresSinceFault = try c.decodeIfPresent(Int.self, forKey: .failuresSinceFault)
        firstFailureSinceFaultMs = try c.decodeIfPresent(Double.self, forKey: .firstFailureSinceFaultMs)
    }
}

/// Routing keys in a result: text since version 4; integers in older files, read as their decimal
/// text so an old archive and a new one name user 6000 alike.
@propertyWrapper
public struct RoutingKeys: Sendable, Hashable, Codable {
    public var wrappedValue: [String]

    public init(wrappedValue: [String]) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        var keys: [String] = []
        while !c.isAtEnd {
            if let number = try? c.decode(Int.self) {
                keys.append(String(number))
            } else {
                keys.append(try c.decode(String.self))
            }
        }
        wrappedValue = keys
    }

    public func encode(to encoder: any Encoder) throws { try wrappedValue.encode(to: encoder) }

    static func decodeKey<K: CodingKey>(_ c: KeyedDecodingContainer<K>, forKey key: K) throws -> String {
        if let number = try? c.decode(Int.self, forKey: key) { return String(number) }
        return try c.decode(String.self, forKey: key)
    }
}
