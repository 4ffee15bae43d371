import Foundation
import GameDayCore
import GameDayRuntime

extension TestLab {
    /// A request straight to unit `unit`'s order service, past the gateway.
    public func orderService(
        _ unit: String, _ pathAndQuery: String, method: String = "GET", body: String? = nil
    ) async throws -> HTTPResponse {
        let health = try service("\(unit)-order").healthURL
        let base = String(health.dropLast("/health".count))
        return try await CurlHTTPClient().send(
            HTTPRequest(
                method: method, url: base + pathAndQuery, headers: [("Content-Type", "application/json")],
                body: body.map { Array($0.utf8) }))
    }

    /// `POST /orders?userId=N` through the gateway, as the runner's RPO canaries write.
    public func placeOrder(user: Int, seq: Int, tag: String) async throws -> HTTPResponse {
        try await gateway(
            "/orders?userId=\(user)", method: "POST", headers: [("Content-Type", "application/json")],
            body: #"{"item":"canary","seq":\#(seq),"tag":"\#(tag)"}"#)
    }
}
