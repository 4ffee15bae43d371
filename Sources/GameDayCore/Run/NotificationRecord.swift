/// One notification sent to one webhook, as `result.json` keeps it: how it went, never the
/// webhook's secret (`webhook` is `Webhook.display`).
public struct NotificationRecord: Sendable, Hashable, Codable {
    public var event: RunNotification.Event
    public var webhook: String
    public var format: Webhook.Format
    /// The HTTP status the webhook answered.
    public var status: Int?
    /// Why it was not delivered (unreachable, timed out, not 2xx, a URL that could not be read).
    public var error: String?
    /// How long the exchange took.
    public var durationMs: Double?

    public init(
        event: RunNotification.Event, webhook: String, format: Webhook.Format, status: Int? = nil,
        error: String? = nil, durationMs: Double? = nil
    ) {
        self.event = event
        self.webhook = webhook
        self.format = format
        self.status = status
        self.error = error
        self.durationMs = durationMs
    }

    enum CodingKeys: String, CodingKey {
        case event, webhook, format, status, error, durationMs = "duration_ms"
    }
}
