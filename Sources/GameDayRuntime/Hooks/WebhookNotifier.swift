import Foundation
import GameDayCore

/// Sends the run's notifications to its webhooks, off the drill's path: `post` returns at once,
/// each delivery runs in a task of its own with a bounded timeout, and `finish` waits for them
/// all. A delivery that fails (unreachable, not 2xx, too slow) is a warning, never the drill's
/// outcome; no secret URL is ever printed or recorded.
actor WebhookNotifier {
    /// A webhook with its URL read (nil, and why, when it could not be).
    struct Destination: Sendable {
        var webhook: Webhook
        var url: String?
        var problem: String?
    }

    nonisolated let destinations: [Destination]
    private let transport: any HTTPTransport
    private let timeout: Duration
    private let warn: @Sendable (String) -> Void
    private var deliveries: [Task<NotificationRecord, Never>] = []

    init(
        destinations: [Destination], transport: any HTTPTransport, timeout: Duration = .seconds(5),
        warn: @escaping @Sendable (String) -> Void
    ) {
        self.destinations = destinations
        self.transport = transport
        self.timeout = timeout
        self.warn = warn
    }

    /// Reads each webhook's URL (a secret one from its environment variable or file).
    static func destinations(
        _ webhooks: [Webhook], environment: @escaping @Sendable (String) -> String?, files: any FileSystem
    ) -> [Destination] {
        webhooks.map { webhook in
            switch webhook.address {
            case .url(let url): return Destination(webhook: webhook, url: url)
            case .secret(let source):
                do throws(SecretError) {
                    let url = try source.read(
                        environment: environment, files: files, what: "the webhook URL", key: "notify[].url")
                    return Destination(webhook: webhook, url: url)
                } catch {
                    return Destination(webhook: webhook, problem: error.message)
                }
            }
        }
    }

    /// Every webhook's URL (a chat webhook's path is its credential), for redacting any text that
    /// might hold one.
    nonisolated var urls: [String] { destinations.compactMap(\.url) }

    /// Sends `notification` to every webhook, without waiting.
    func post(_ notification: RunNotification) {
        for destination in destinations {
            let (transport, timeout, warn) = (transport, timeout, warn)
            deliveries.append(
                Task {
                    await Self.deliver(
                        notification, to: destination, transport: transport, timeout: timeout, warn: warn)
                }
            )
        }
    }

    /// Waits for every delivery (each bounded by the timeout); returns how each went, in order.
    func finish() async -> [NotificationRecord] {
        var records: [NotificationRecord] = []
        for delivery in deliveries { records.append(await delivery.value) }
        deliveries = []
        return records
    }

    private static func deliver(
        _ notification: RunNotification, to destination: Destination, transport: any HTTPTransport,
        timeout: Duration, warn: @Sendable (String) -> Void
    ) async -> NotificationRecord {
        let webhook = destination.webhook
        var record = NotificationRecord(event: notification.event, webhook: webhook.display, format: webhook.format)
        func failed(_ why: String) -> NotificationRecord {
            record.error = why
            warn(
                "warning: webhook \(webhook.display) (\(notification.event.rawValue)) not delivered: \(why); the drill goes on"
            )
            return record
        }
        guard let url = destination.url else { return failed(destination.problem ?? "its URL could not be read") }
        let request = HTTPRequest(
            method: "POST", url: url, headers: [("Content-Type", "application/json")],
            body: notification.body(webhook.format), timeout: timeout)
        let started = ContinuousClock.now
        do {
            let response = try await transport.send(request)
            record.durationMs = (ContinuousClock.now - started).milliseconds
            record.status = response.status
            guard (200...299).contains(response.status) else {
                return failed("it answered \(response.status), not 2xx")
            }
            return record
        } catch {
            record.durationMs = (ContinuousClock.now - started).milliseconds
            // A transport's message may quote the URL: never show a secret one.
            return failed(error.message.replacing(url, with: webhook.display))
        }
    }
}
