import GameDayCore
import GameDayRuntime

/// One call from a lab service to another, over libcurl like every request gameday makes.
///
/// Kept apart from the Hummingbird files because both define `HTTPRequest`/`HTTPResponse`.
enum Upstream {
    /// What came back.
    struct Reply: Sendable {
        var status: Int
        var body: [UInt8]
        var contentType: String?
    }

    static func send(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        timeout: Duration
    ) async -> Result<Reply, HTTPTransportError> {
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: timeout)
        do {
            let response = try await CurlHTTPClient().send(request)
            return .success(
                Reply(status: response.status, body: response.body, contentType: response.header("Content-Type")))
        } catch {
            return .failure(error)
        }
    }
}
