import GameDayCore
import GameDayRuntime

/// Asks services for `GET /health` over libcurl.
enum HealthCheck {
    /// Whether `url` answers 200 within `timeout`.
    static func isHealthy(_ url: String, timeout: Duration = .seconds(1)) async -> Bool {
        let request = HTTPRequest(url: url, timeout: timeout)
        guard let response = try? await CurlHTTPClient().send(request) else { return false }
        return response.status == 200
    }

    /// The health of every URL, asked all at once.
    static func check(_ urls: [String], timeout: Duration = .seconds(1)) async -> [String: Bool] {
        await withTaskGroup(of: (String, Bool).self) { group in
            for url in Set(urls) {
                group.addTask { (url, await isHealthy(url, timeout: timeout)) }
            }
            var result: [String: Bool] = [:]
            for await (url, healthy) in group { result[url] = healthy }
            return result
        }
    }
}
