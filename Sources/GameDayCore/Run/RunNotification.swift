import Foundation

/// One message to the run's webhooks (`notify:`, `--notify`): the run started, stopped early,
/// sent its cut-over, saw it end, or ended. Its bodies never hold a secret: the reason and
/// errors they carry are the run's own words, redacted as the run's output is.
public struct RunNotification: Sendable, Hashable, Codable {
    public enum Event: String, Sendable, Hashable, Codable, CaseIterable {
        case start
        /// Stopped early (an interrupt, a breached guardrail, a failed step, a hook): reverting.
        case abort
        case cutoverSent = "cutover_sent"
        case cutoverDone = "cutover_done"
        case cutoverFailed = "cutover_failed"
        case end
    }

    public var event: Event
    public var drill: String
    public var target: String
    public var runId: String
    /// The phase the run was entering or in.
    public var phase: String?
    /// At the end: `pass`, `fail`, `error`, `aborted`.
    public var outcome: RunOutcome?
    public var rtoMs: Double?
    /// At the end: the run's archive directory.
    public var archive: String?
    /// Why it stopped or failed, or what the cut-over answered.
    public var reason: String?
    /// The wall-clock time of the event, ISO 8601.
    public var at: String

    public init(
        event: Event, drill: String, target: String, runId: String, phase: String? = nil, outcome: RunOutcome? = nil,
        rtoMs: Double? = nil, archive: String? = nil, reason: String? = nil, at: String
    ) {
        self.event = event
        self.drill = drill
        self.target = target
        self.runId = runId
        self.phase = phase
        self.outcome = outcome
        self.rtoMs = rtoMs
        self.archive = archive
        self.reason = reason
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case event, drill, target, runId = "run_id", phase, outcome, rtoMs = "rto_ms", archive, reason, at
    }

    /// The body sent to a webhook of `format`.
    public func body(_ format: Webhook.Format) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch format {
        case .json:
            return Array((try? encoder.encode(self)) ?? Data())
        case .slack:
            let text = self.text
            let blocks = [SlackBlock(text: .init(text: text))]
            return Array((try? encoder.encode(SlackMessage(text: text, blocks: blocks))) ?? Data())
        }
    }

    /// One line a person reads in a chat channel, in Slack's mrkdwn.
    public var text: String {
        let run = "*\(drill)* on *\(target)* (run \(runId))"
        let why = reason.map { ": \($0)" } ?? ""
        switch event {
        case .start: return "gameday: drill \(run) started"
        case .abort:
            return "gameday: drill \(run) stopped early in \(phase ?? "its start")\(why); reverting every fault"
        case .cutoverSent: return "gameday: drill \(run) sent its cut-over"
        case .cutoverDone: return "gameday: drill \(run): the cut-over is done"
        case .cutoverFailed: return "gameday: drill \(run): the cut-over failed\(why)"
        case .end:
            let rto = rtoMs.map { ", RTO \(DurationText.format(.milliseconds($0)))" } ?? ""
            let outcome = (outcome?.rawValue ?? "ended").uppercased()
            let archive = self.archive.map { "; archived in `\($0)`" } ?? ""
            return "gameday: drill \(run) ended: \(outcome)\(rto)\(why)\(archive)"
        }
    }
}

/// Slack's incoming-webhook message: `text` is the notification's fallback, `blocks` what is shown.
private struct SlackMessage: Encodable {
    var text: String
    var blocks: [SlackBlock]
}

private struct SlackBlock: Encodable {
    struct Text: Encodable {
        var type = "mrkdwn"
        var text: String
    }

    var type = "section"
    var text: Text
}
