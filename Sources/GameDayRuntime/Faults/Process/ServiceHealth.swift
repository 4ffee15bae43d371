import GameDayCore

/// A restarted service's health check: its URL must answer 2xx before a revert counts as done, so
/// that the rollback never calls a service back that only has a process.
public enum ServiceHealth {
    /// Polls `health.url` until it answers 2xx; throws, saying what it last answered, when
    /// `health.timeout` passes first. Returns the answer, for the revert's words.
    public static func wait(
        _ health: HealthWait, transport: any HTTPTransport = CurlHTTPClient(), poll: Duration = .milliseconds(200)
    ) async throws(FaultError) -> String {
        let deadline = ContinuousClock.now + health.timeout
        var last = "no answer"
        while true {
            do {
                let response = try await transport.send(HTTPRequest(url: health.url, timeout: .seconds(2)))
                if (200...299).contains(response.status) { return "healthy (\(health.url): \(response.status))" }
                last = "status \(response.status)"
            } catch {
                last = error.message
            }
            guard ContinuousClock.now < deadline else {
                throw FaultError(
                    "it did not answer its health check \(health.url) with 2xx within \(DurationText.format(health.timeout)) (last: \(last))"
                )
            }
            try? await Task.sleep(for: poll)
        }
    }
}
