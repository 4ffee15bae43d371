import Foundation
import GameDayCore

/// `run --pushgateway URL`: puts a run's metrics to a Prometheus Pushgateway under the grouping key
/// `job="gameday"`, `drill`, `target`, replacing the metrics of that drill's previous run there.
public struct Pushgateway: Sendable {
    /// The Pushgateway's address, e.g. `http://pushgateway:9091` (a path prefix is kept).
    public let address: String
    let transport: any HTTPTransport

    public init(address: String, transport: any HTTPTransport = CurlHTTPClient()) {
        self.address = address.hasSuffix("/") ? String(address.dropLast()) : address
        self.transport = transport
    }

    /// `<address>/metrics/job/gameday/drill/<drill>/target/<target>`.
    public func url(drill: String, target: String) -> String {
        address + "/metrics" + Self.segment("job", "gameday") + Self.segment("drill", drill)
            + Self.segment("target", target)
    }

    /// PUTs the metrics; throws what went wrong when the Pushgateway did not take them.
    public func push(_ metrics: RunMetrics) async throws(PushgatewayError) {
        let url = url(drill: metrics.drill, target: metrics.target)
        let request = HTTPRequest(
            method: "PUT", url: url, headers: [("Content-Type", PrometheusExposition.contentType)],
            body: Array(PrometheusExposition.render(metrics).utf8), timeout: .seconds(10))
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw .unreachable(url: url, reason: error.message)
        }
        guard (200..<300).contains(response.status) else {
            throw .refused(url: url, status: response.status, body: PushgatewayError.start(of: response.bodyText))
        }
    }

    /// One label of the grouping key as the Pushgateway reads it: `/name/value` with the value
    /// percent-encoded, or `/name@base64/<base64url>` when the value holds a `/` (which no
    /// percent-encoding hides from its router) or is empty (an empty path segment is dropped).
    static func segment(_ name: String, _ value: String) -> String {
        if value.isEmpty { return "/\(name)@base64/=" }
        if value.contains("/") {
            let base64 = Data(value.utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            return "/\(name)@base64/\(base64)"
        }
        return "/\(name)/\(percentEncoded(value))"
    }

    /// Every byte but RFC 3986's unreserved characters as `%XX`.
    static func percentEncoded(_ value: String) -> String {
        var encoded = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(UnicodeScalar(byte))
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }
}

/// Why a Pushgateway did not take a run's metrics.
public enum PushgatewayError: Error, Sendable, Equatable, LocalizedError {
    /// No HTTP answer: refused, timed out, a name that does not resolve.
    case unreachable(url: String, reason: String)
    /// An answer other than 2xx, with the start of its body.
    case refused(url: String, status: Int, body: String)

    public var errorDescription: String? {
        switch self {
        case .unreachable(let url, let reason):
            "could not push the metrics to \(url): \(reason); check --pushgateway's address and that it is running"
        case .refused(let url, let status, let body):
            "the Pushgateway answered HTTP \(status) to the metrics put to \(url)"
                + (body.isEmpty ? "" : ": \(body)")
        }
    }

    /// The first 200 characters of a body on one line: enough for the Pushgateway's reason.
    static func start(of body: String) -> String {
        let line = body.split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
