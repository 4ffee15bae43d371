import Foundation
import GameDayCore

/// Speaks Toxiproxy's HTTP API: list proxies, add and remove toxics, disable and enable a proxy,
/// reset. Works against a real Toxiproxy server and against a lab's fault proxy alike.
///
/// ```swift
/// let proxy = ToxiproxyClient(url: "http://127.0.0.1:9313")
/// try await proxy.addToxic(.latency(.milliseconds(300)), to: "product")
/// try await proxy.removeToxic(named: "latency_downstream", from: "product")
/// ```
public struct ToxiproxyClient: Sendable {
    /// The admin API's base URL, without a trailing slash.
    public let url: String
    private let transport: any HTTPTransport
    private let timeout: Duration

    public init(url: String, transport: any HTTPTransport = CurlHTTPClient(), timeout: Duration = .seconds(5)) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.transport = transport
        self.timeout = timeout
    }

    /// `GET /version`: the server's version, e.g. `2.12.0`.
    public func version() async throws(ToxiproxyError) -> String {
        struct Version: Decodable { var version: String }
        return try decode(Version.self, from: try await send("GET", "/version"), request: "GET /version").version
    }

    /// `GET /proxies`: every proxy by name, with its toxics.
    public func proxies() async throws(ToxiproxyError) -> [String: ToxiproxyProxy] {
        let response = try await send("GET", "/proxies")
        return try decode(
            [String: ToxiproxyProxy].self, from: try expect(200, response, "GET /proxies"), request: "GET /proxies")
    }

    /// `GET /proxies/{proxy}`.
    public func proxy(named name: String) async throws(ToxiproxyError) -> ToxiproxyProxy {
        let request = "GET /proxies/\(name)"
        let response = try await send("GET", "/proxies/\(escape(name))")
        if response.status == 404 { throw try await proxyNotFound(name) }
        return try decode(ToxiproxyProxy.self, from: try expect(200, response, request), request: request)
    }

    /// `POST /proxies/{proxy}/toxics`: the toxic as the server stored it. It acts on open
    /// connections too.
    @discardableResult
    public func addToxic(_ toxic: ToxiproxyToxic, to proxy: String) async throws(ToxiproxyError) -> ToxiproxyToxic {
        let request = "POST /proxies/\(proxy)/toxics"
        let response = try await send("POST", "/proxies/\(escape(proxy))/toxics", body: toxic)
        switch response.status {
        case 404 where message(of: response).contains("proxy"): throw try await proxyNotFound(proxy)
        case 409: throw .toxicExists(toxic.name, proxy: proxy, url: url)
        default: break
        }
        // Toxiproxy answers 200; accept a 201 from servers that follow REST more closely.
        guard response.status == 200 || response.status == 201 else { throw rejected(response, request) }
        return try decode(ToxiproxyToxic.self, from: response, request: request)
    }

    /// `DELETE /proxies/{proxy}/toxics/{toxic}`. A toxic that is already gone is `toxicNotFound`,
    /// which a revert may take as done.
    public func removeToxic(named toxic: String, from proxy: String) async throws(ToxiproxyError) {
        let request = "DELETE /proxies/\(proxy)/toxics/\(toxic)"
        let response = try await send("DELETE", "/proxies/\(escape(proxy))/toxics/\(escape(toxic))")
        if response.status == 404 {
            // Which of the two is missing: ask for the proxy (throws when that is what is gone).
            let known = try await self.proxy(named: proxy).toxics.map(\.name)
            throw .toxicNotFound(toxic, proxy: proxy, known: known, url: url)
        }
        guard response.status == 204 || response.status == 200 else { throw rejected(response, request) }
    }

    /// `POST /proxies/{proxy}` with `{"enabled": false}` or `true`: a disabled proxy refuses new
    /// connections and closes the ones it has.
    @discardableResult
    public func setEnabled(_ enabled: Bool, proxy: String) async throws(ToxiproxyError) -> ToxiproxyProxy {
        struct Update: Encodable { var enabled: Bool }
        let request = "POST /proxies/\(proxy)"
        let response = try await send("POST", "/proxies/\(escape(proxy))", body: Update(enabled: enabled))
        if response.status == 404 { throw try await proxyNotFound(proxy) }
        return try decode(ToxiproxyProxy.self, from: try expect(200, response, request), request: request)
    }

    /// `POST /reset`: every proxy enabled, every toxic removed.
    public func reset() async throws(ToxiproxyError) {
        let response = try await send("POST", "/reset")
        guard response.status == 204 || response.status == 200 else { throw rejected(response, "POST /reset") }
    }

    // MARK: - Exchange

    private func send(_ method: String, _ path: String, body: (some Encodable)? = Never?.none)
        async throws(ToxiproxyError) -> HTTPResponse
    {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        var bytes: [UInt8]?
        if let body {
            headers.append(("Content-Type", "application/json"))
            bytes = Array((try? JSONEncoder().encode(body)) ?? Data("{}".utf8))
        }
        do {
            return try await transport.send(
                HTTPRequest(method: method, url: url + path, headers: headers, body: bytes, timeout: timeout))
        } catch {
            throw .unreachable(url: url, reason: error.message)
        }
    }

    private func expect(_ status: Int, _ response: HTTPResponse, _ request: String) throws(ToxiproxyError)
        -> HTTPResponse
    {
        guard response.status == status else { throw rejected(response, request) }
        return response
    }

    private func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, request: String)
        throws(ToxiproxyError) -> T
    {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw .invalidResponse(request: request, reason: "\(error)", url: url)
        }
    }

    private func proxyNotFound(_ name: String) async throws(ToxiproxyError) -> ToxiproxyError {
        .proxyNotFound(name, known: try await proxies().keys.sorted(), url: url)
    }

    private func rejected(_ response: HTTPResponse, _ request: String) -> ToxiproxyError {
        .rejected(status: response.status, message: message(of: response), request: request, url: url)
    }

    /// The `error` of Toxiproxy's `{"error": "...", "status": 404}`, else the body as text.
    private func message(of response: HTTPResponse) -> String {
        struct APIError: Decodable { var error: String }
        if let error = try? JSONDecoder().decode(APIError.self, from: Data(response.body)) { return error.error }
        let text = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(no message)" : text
    }

    /// A proxy or toxic name as one path segment.
    private func escape(_ name: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }
}
