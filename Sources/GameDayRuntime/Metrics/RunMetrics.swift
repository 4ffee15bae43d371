import Foundation
import GameDayCore

/// The figures of one run as metric samples: what `run --metrics-file`, `run --pushgateway` and
/// `history --metrics` expose. A figure the run did not measure has no sample (never a 0 that a
/// dashboard would read as "instant"); the outcome always has one.
public struct RunMetrics: Sendable, Hashable {
    public struct Sample: Sendable, Hashable {
        public var metric: RunMetric
        public var value: Double
    }

    public var drill: String
    public var target: String
    /// The faulted units, sorted and joined by commas; empty when no fault was planned.
    public var unit: String
    public var outcome: RunOutcome
    /// When the run started, in Unix seconds: the timestamp of every sample in the OpenMetrics form.
    public var startedAt: Double?
    /// In `RunMetric`'s order.
    public var samples: [Sample]

    /// Figures in the result are milliseconds; metrics follow Prometheus and give seconds.
    public init(_ result: RunResult) {
        drill = result.drill.name
        target = result.target.name
        unit = Set(result.faults.map(\.plan.unit)).sorted().joined(separator: ",")
        outcome = result.outcome
        startedAt = Self.unixSeconds(result.startedAt)
        var figures: [RunMetric: Double] = [.outcome: 1]
        figures[.runStart] = startedAt
        figures[.runDuration] = result.durationMs.map(Self.seconds)
        // An aborted run's RTO (recovered before the interrupt) is not a drill's RTO: kept out of
        // the series a dashboard trends, as `history` keeps it out of the RTO trend.
        if let rto = result.rto {
            figures[.rtoGoal] = Self.seconds(rto.goalMs)
        }
        if let rto = result.rto, result.outcome != .aborted {
            figures[.rto] = rto.measuredMs.map(Self.seconds)
            figures[.detect] = rto.detectMs.map(Self.seconds)
            figures[.decide] = rto.decideMs.map(Self.seconds)
            figures[.switchOver] = rto.switchMs.map(Self.seconds)
            figures[.converge] = rto.convergeMs.map(Self.seconds)
        }
        if let rpo = result.rpo {
            figures[.rpoGoal] = Self.seconds(rpo.goalMs)
            // Without a complete read-back (observed_ms absent) nothing was counted as lost.
            if let observed = rpo.observedMs {
                figures[.rpo] = Self.seconds(observed)
                figures[.lostWrites] = Double(rpo.lost)
            }
            figures[.writeBlocked] = rpo.writeBlockedMs.map(Self.seconds)
        }
        // Impact is only measured once a fault took effect.
        if result.timeline.fault != nil {
            figures[.usersImpacted] = Double(result.users.count(where: \.impacted))
            let bystanders = result.users.compactMap(\.failuresSinceFault)
            if !bystanders.isEmpty { figures[.blastRadiusUsers] = Double(bystanders.count { $0 > 0 }) }
        }
        samples = RunMetric.allCases.compactMap { metric in figures[metric].map { Sample(metric: metric, value: $0) } }
    }

    /// The labels of `metric`'s sample, in order: `drill`, `target`, `unit`, and `outcome` on the outcome.
    public func labels(of metric: RunMetric) -> [(String, String)] {
        var labels = [("drill", drill), ("target", target), ("unit", unit)]
        if metric == .outcome { labels.append(("outcome", outcome.rawValue)) }
        return labels
    }

    /// The value of `metric`, when the run measured it.
    public func value(of metric: RunMetric) -> Double? { samples.first { $0.metric == metric }?.value }

    /// Milliseconds to seconds, kept to the microsecond as the result keeps them: a plain division
    /// would print `0.061204999999999996` for 61.205 ms.
    static func seconds(_ milliseconds: Double) -> Double { (milliseconds * 1000).rounded() / 1_000_000 }

    /// `2026-11-21T05:50:52.573Z`, with or without the fraction, in Unix seconds to the millisecond
    /// (`Date` keeps its time from 2001, so the last digits of a conversion are noise).
    static func unixSeconds(_ iso: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var date = formatter.date(from: iso)
        if date == nil {
            formatter.formatOptions = [.withInternetDateTime]
            date = formatter.date(from: iso)
        }
        return date.map { ($0.timeIntervalSince1970 * 1000).rounded() / 1000 }
    }
}
