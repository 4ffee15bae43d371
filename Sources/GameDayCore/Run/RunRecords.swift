import Foundation

/// One verdict of the run: passed, failed, or not reached.
public struct Verdict: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable { case pass, fail, skipped }

    public var name: String
    public var status: Status
    public var message: String

    public init(_ name: String, _ status: Status, _ message: String) {
        self.name = name
        self.status = status
        self.message = message
    }
}

/// A phase of the run, with when it started and ended.
public struct PhaseRecord: Sendable, Hashable, Codable {
    public var name: RunPhase
    public var startedMs: Double
    public var endedMs: Double?
    public var outcome: String

    enum CodingKeys: String, CodingKey { case name, startedMs = "started_ms", endedMs = "ended_ms", outcome }
}

/// A moment on the timeline: offset from the run's start, and the wall-clock time.
public struct TimelineMoment: Sendable, Hashable, Codable {
    /// Milliseconds from the run's start (the runner's monotonic clock).
    public var ms: Double
    /// Wall-clock time, ISO 8601 UTC with milliseconds.
    public var at: String
    /// Wall-clock time as Unix milliseconds to the microsecond, for comparison with other clocks'
    /// records (a system's logs, the lab's ground truth); absent before schema version 3.
    public var unixMs: Double?
    /// For a moment a probe marks (`detect`, `recovered` are when that probe was *sent*): when its
    /// answer or failure was *observed*, in milliseconds from the run's start and as wall-clock time.
    public var observedMs: Double?
    public var observedAt: String?

    public init(ms: Double, at: String, unixMs: Double? = nil, observedMs: Double? = nil, observedAt: String? = nil) {
        self.ms = ms
        self.at = at
        self.unixMs = unixMs
        self.observedMs = observedMs
        self.observedAt = observedAt
    }

    enum CodingKeys: String, CodingKey {
        case ms, at, unixMs = "unix_ms", observedMs = "observed_ms", observedAt = "observed_at"
    }
}

/// The design's timeline: `T_fault` → … → `T_confirmed`; absent moments were not reached.
public struct TimelineRecord: Sendable, Hashable, Codable {
    public var fault: TimelineMoment?
    public var detect: TimelineMoment?
    public var cutoverStart: TimelineMoment?
    public var cutoverDone: TimelineMoment?
    public var firstOk: TimelineMoment?
    public var recovered: TimelineMoment?
    public var confirmed: TimelineMoment?
    public var reverted: TimelineMoment?

    enum CodingKeys: String, CodingKey {
        case fault, detect, cutoverStart = "cutover_start", cutoverDone = "cutover_done", firstOk = "first_ok",
            recovered, confirmed, reverted
    }
}

/// RTO goal, measurement and breakdown, in milliseconds.
public struct RTORecord: Sendable, Hashable, Codable {
    public var goalMs: Double
    public var measuredMs: Double?
    public var met: Bool
    public var detectMs: Double?
    public var decideMs: Double?
    public var switchMs: Double?
    public var convergeMs: Double?
    /// A stepwise cut-over's share of `switch_ms`, step by step, in order.
    public var switchSteps: [SwitchStep]?
    public var window: String
    /// Who decided the cut-over (with `decide_ms`): the runner at once, or a person it waited for.
    public var decidedBy: CutoverDecider?
    /// The part of `decide_ms` spent waiting for that person (`decision.waited_ms`).
    public var decisionWaitMs: Double?

    /// One step's part of the switch: from its call to its done (or the switch's end), in milliseconds.
    public struct SwitchStep: Sendable, Hashable, Codable {
        public var name: String
        public var ms: Double
    }

    enum CodingKeys: String, CodingKey {
        case goalMs = "goal_ms", measuredMs = "measured_ms", met, detectMs = "detect_ms", decideMs = "decide_ms",
            switchMs = "switch_ms", convergeMs = "converge_ms", switchSteps = "switch_steps", window,
            decidedBy = "decided_by", decisionWaitMs = "decision_wait_ms"
    }

    /// `12.3s (operator, waited 10.1s)` — the decide part with who decided, for the summary and
    /// JUnit; the runner's own decision is shown bare.
    public func decideText(_ format: (Double) -> String) -> String? {
        guard let decideMs else { return nil }
        guard let decidedBy, decidedBy != .runner else { return format(decideMs) }
        let waited = decisionWaitMs.map { ", waited \(format($0))" } ?? ""
        return format(decideMs) + " (\(decidedBy.rawValue)\(waited))"
    }

    /// `switch 1.2s (block-writes 0.1s, switch 1.0s, unblock 0.1s)` parts, for the summary and JUnit.
    public func switchText(_ format: (Double) -> String) -> String? {
        guard let switchMs else { return nil }
        guard let steps = switchSteps, !steps.isEmpty else { return format(switchMs) }
        return format(switchMs) + " (" + steps.map { "\($0.name) \(format($0.ms))" }.joined(separator: ", ") + ")"
    }
}

/// One test user's story in the run.
public struct UserRecord: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var home: String?
    public var expectedImpact: String
    public var recoversOn: String?
    public var servedBefore: String?
    public var servedAfter: String?
    public var impacted: Bool
    public var failures: Int
    public var samplesDuringFault: Int
    public var samples: Int
    /// Probe slots not sent: the user already had `max_in_flight` probes in flight.
    public var skipped: Int
    public var firstFailureMs: Double?
    public var firstOkMs: Double?
    public var recoveredMs: Double?
    public var confirmedMs: Double?
    public var timeline: [TimelineSegment]
    /// Samples left out of a timeline cut short (a user flapping more than `SampleStore.segmentLimit` times).
    public var timelineTruncatedSamples: Int?
    /// For a user expected unaffected: failures from the first fault to the end of the run (the blast
    /// radius counts these, also after the revert), and the first of them.
    public var failuresSinceFault: Int?
    /// Milliseconds from the fault (`timeline.fault`) to the send time of that first failure.
    public var firstFailureSinceFaultMs: Double?
    /// The shard the target's rule put the user in; nil when the rule names units directly.
    public var shard: String? = nil

    enum CodingKeys: String, CodingKey {
        case shard
        case skipped, timelineTruncatedSamples = "timeline_truncated_samples"
        case failuresSinceFault = "failures_since_fault", firstFailureSinceFaultMs = "first_failure_since_fault_ms"
        case id, name, home, expectedImpact = "expected_impact", recoversOn = "recovers_on",
            servedBefore = "served_before", servedAfter = "served_after", impacted, failures,
            samplesDuringFault = "samples_during_fault", samples, firstFailureMs = "first_failure_ms",
            firstOkMs = "first_ok_ms", recoveredMs = "recovered_ms", confirmedMs = "confirmed_ms", timeline
    }
}

/// A fault as applied and reverted in the run.
public struct FaultRecord: Sendable, Hashable, Codable {
    public var plan: FaultPlan
    public var pids: [Int32]
    public var commands: [[String]]
    public var effect: String?
    /// When it took effect: the start of its effecting action (the signal sent, the rule committed).
    public var appliedMs: Double?
    /// Its preparation before that (lookups, guards, the ledger, the watchdog), in milliseconds.
    public var prepareMs: Double?
    /// How long the effecting action itself took: the true effect lies within `applied_ms` and
    /// `applied_ms + effect_ms`.
    public var effectMs: Double?
    /// When its proof was complete (the process gone, the rule read back), from the run's start.
    public var provenMs: Double?
    public var revertedMs: Double?
    public var state: FaultState
    public var revert: String?
    /// Per host or pod (`pod/NAME`), for a fault on SSH hosts or in pods.
    public var hosts: [HostFault]?

    enum CodingKeys: String, CodingKey {
        case plan, pids, commands, effect, appliedMs = "applied_ms", prepareMs = "prepare_ms", effectMs = "effect_ms",
            provenMs = "proven_ms", revertedMs = "reverted_ms", state, revert, hosts
    }
}

/// A cut-over or cut-back as archived.
public struct CutoverArchive: Sendable, Hashable, Codable {
    public struct State: Sendable, Hashable, Codable {
        public var ms: Double
        public var state: String
    }

    public var request: RequestRecord?
    public var status: Int?
    public var id: String?
    public var startedMs: Double?
    public var doneMs: Double?
    public var states: [State]
    public var succeeded: Bool
    public var error: String?
    /// A cut-back that was not sent, and why (its unit not healthy again, the cut-over's task still running).
    public var withheld: String?
    /// The command run instead of a request (`command:`), with its output when it failed.
    public var command: CommandRecord?
    /// The last status command run while following the task (`poll.command`).
    public var pollCommand: CommandRecord?
    /// A stepwise cut-over's steps, in order: which ran, which failed, which were undone and how.
    public var steps: [CutoverStepArchive]?

    enum CodingKeys: String, CodingKey {
        case request, status, id, startedMs = "started_ms", doneMs = "done_ms", states, succeeded, error, withheld,
            command, pollCommand = "poll_command", steps
    }

    public init(_ record: CutoverRecord) {
        request = record.request
        status = record.status
        id = record.id
        startedMs = record.startedAt?.milliseconds
        doneMs = record.doneAt?.milliseconds
        states = record.states.map { State(ms: $0.at.milliseconds, state: $0.state) }
        succeeded = record.succeeded
        error = record.error
        withheld = record.withheld
        command = record.command
        pollCommand = record.pollCommand
        steps = record.steps.isEmpty ? nil : record.steps.map(CutoverStepArchive.init)
    }
}

/// One step of a stepwise cut-over as archived: its call and, when a later step failed, its undo.
public struct CutoverStepArchive: Sendable, Hashable, Codable {
    public var name: String
    public var outcome: CutoverStepRecord.Outcome
    public var call: CutoverArchive
    public var undo: CutoverArchive?

    public init(_ record: CutoverStepRecord) {
        name = record.name
        outcome = record.outcome
        call = CutoverArchive(record.call)
        undo = record.undo.map(CutoverArchive.init)
    }
}

/// The files of one run's archive directory, by name relative to it.
public struct ArchiveFiles: Sendable, Hashable, Codable {
    public var result: String
    /// `junit.xml`, unless the run was asked to write it elsewhere (`--junit`) or not at all.
    public var junit: String?
    public var report: String?
    public var rawSamples: String?

    public init(result: String, junit: String? = nil, report: String? = nil, rawSamples: String? = nil) {
        self.result = result
        self.junit = junit
        self.report = report
        self.rawSamples = rawSamples
    }

    enum CodingKeys: String, CodingKey { case result, junit, report, rawSamples = "raw_samples" }
}
