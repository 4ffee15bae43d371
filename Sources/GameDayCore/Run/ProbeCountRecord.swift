/// How many probes the run sent, and how many of them at the focus interval around the fault and
/// the cut-over (`result.json`'s `probes`).
public struct ProbeCountRecord: Sendable, Hashable, Codable {
    /// Every probe answered (or failed) over the run, base and focused.
    public var sent: Int
    /// Of `sent`, the probes sent at the focus interval: the price of the RTO's resolution.
    public var focused: Int
    /// The focus interval in force; nil when the probes were never focused (`focus_interval: off`).
    public var focusIntervalMs: Double?
    /// The users probed at the focus interval at least once.
    public var focusedUsers: Int

    public init(sent: Int, focused: Int, focusIntervalMs: Double?, focusedUsers: Int) {
        self.sent = sent
        self.focused = focused
        self.focusIntervalMs = focusIntervalMs
        self.focusedUsers = focusedUsers
    }

    /// The probes the focus added to those the base interval alone would have sent: a focused
    /// user's base slots are not sent, so each focused probe stands in for `focus ÷ interval` of one.
    public func added(probeIntervalMs: Double) -> Int {
        guard let focusIntervalMs, probeIntervalMs > 0 else { return 0 }
        return Int((Double(focused) * max(0, 1 - focusIntervalMs / probeIntervalMs)).rounded())
    }

    /// In words, for the summary and the report: `412 sent every 100ms; 96 of them every 10ms for 1
    /// user around the fault and the cut-over (86 more than at 100ms alone)`.
    public func words(probeIntervalMs: Double) -> String {
        let base = DurationText.format(.milliseconds(probeIntervalMs))
        let text = "\(sent) sent every \(base)"
        guard let focusIntervalMs else { return text + "; none focused (probe.focus_interval off)" }
        let users = focusedUsers == 1 ? "1 user" : "\(focusedUsers) users"
        return text + "; \(focused) of them every \(DurationText.format(.milliseconds(focusIntervalMs))) for \(users) "
            + "around the fault and the cut-over (\(added(probeIntervalMs: probeIntervalMs)) more than at \(base) alone)"
    }

    enum CodingKeys: String, CodingKey {
        case sent, focused, focusIntervalMs = "focus_interval_ms", focusedUsers = "focused_users"
    }
}
