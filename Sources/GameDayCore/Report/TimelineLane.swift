/// One row of the timeline chart: a test user, or a group of them.
struct TimelineLane: Sendable, Hashable {
    /// A share of a stretch's probes answered by one unit; `unit` nil for probes nobody answered.
    struct UnitShare: Sendable, Hashable {
        var unit: String?
        var share: Double
    }

    /// A stretch of time with one outcome: a user's run of like samples, or a group's bucket.
    struct Stretch: Sendable, Hashable {
        var fromMs: Double
        var toMs: Double
        /// The share of its probes that failed: 0 or 1 for a user, anything between for a group.
        var failedShare: Double
        var units: [UnitShare]
        /// What the stretch was, for the tooltip.
        var note: String
    }

    var label: String
    /// What the lane was expected to do, shown under its label.
    var detail: String
    var stretches: [Stretch]

    /// A user's lane: each run of like samples lasts until the next run starts, unless the probes
    /// paused for more than two intervals, which stays a gap.
    init(_ user: UserRecord, probeIntervalMs: Double) {
        label = "\(user.id) \(user.name)"
        detail = Self.expectation(user.expectedImpact, recoversOn: user.recoversOn)
        let segments = user.timeline
        stretches = segments.indices.map { index in
            let segment = segments[index]
            var end = segment.to.milliseconds
            if index + 1 < segments.count {
                let next = segments[index + 1].from.milliseconds
                if next - end <= 2 * probeIntervalMs { end = max(end, next) }
            }
            let answer = [segment.status.map { "HTTP \($0)" }, segment.unit.map { "from \($0)" }]
                .compactMap { $0 }.joined(separator: " ")
            let outcome = segment.ok ? "ok" : "failed: \(segment.failure ?? "no reason given")"
            return Stretch(
                fromMs: segment.from.milliseconds, toMs: end, failedShare: segment.ok ? 0 : 1,
                units: [UnitShare(unit: segment.unit, share: 1)],
                note: "\(outcome)\(answer.isEmpty ? "" : " (\(answer))"), \(segment.samples) probe(s) from "
                    + "\(ReportText.offset(segment.from.milliseconds)) to \(ReportText.offset(end))")
        }
        if let cut = user.timelineTruncatedSamples, cut > 0 {
            detail += " · \(cut) samples not drawn"
        }
    }

    /// A group's lane: one stretch per success bucket; the last bucket stops at the run's end
    /// (`endMs`) rather than a bucket's width past it.
    init(_ group: GroupRecord, endMs: Double?) {
        label = "\(group.name) · \(group.users.count) user\(group.users.count == 1 ? "" : "s")"
        detail = Self.expectation(group.expectedImpact, recoversOn: group.recoversOn)
        stretches = group.buckets.map { bucket in
            let total = Double(max(bucket.ok + bucket.failed, 1))
            var units = bucket.units.sorted { $0.key < $1.key }.map {
                UnitShare(unit: $0.key, share: Double($0.value) / total)
            }
            let answered = bucket.units.values.reduce(0, +)
            if answered < bucket.ok + bucket.failed {
                units.append(UnitShare(unit: nil, share: Double(bucket.ok + bucket.failed - answered) / total))
            }
            let served = bucket.units.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            return Stretch(
                fromMs: bucket.fromMs,
                toMs: min(bucket.fromMs + group.bucketMs, max(endMs ?? .infinity, bucket.fromMs)),
                failedShare: Double(bucket.failed) / total,
                units: units,
                note: "\(bucket.failed) of \(bucket.ok + bucket.failed) probes failed from "
                    + "\(ReportText.offset(bucket.fromMs))\(served.isEmpty ? "" : "; served by \(served.joined(separator: ", "))")"
            )
        }
    }

    /// `expects fail → hangzhou`, `expects no impact`.
    static func expectation(_ impact: String, recoversOn: String?) -> String {
        let what =
            switch impact {
            case "fail": "expects failure"
            case "none": "expects no impact"
            case "any": "any impact accepted"
            default: "expects \(impact)"
            }
        return recoversOn.map { "\(what), back on \($0)" } ?? what
    }
}

/// The lanes the timeline draws for a result: users, or groups when there are many users or
/// generated groups, at most `limit` of them.
struct TimelineLanes: Sendable, Hashable {
    static let userLimit = 20
    static let limit = 60

    var lanes: [TimelineLane]
    var byGroup: Bool
    /// Users or groups left out past `limit`.
    var hidden: Int

    init(_ result: RunResult) {
        let generated = result.groups.contains { $0.users.count > 1 }
        byGroup = !result.groups.isEmpty && (generated || result.users.count > Self.userLimit)
        let all =
            byGroup
            ? result.groups.map { TimelineLane($0, endMs: result.durationMs) }
            : result.users.map { TimelineLane($0, probeIntervalMs: result.probeIntervalMs) }
        lanes = Array(all.prefix(Self.limit))
        hidden = all.count - lanes.count
    }
}
