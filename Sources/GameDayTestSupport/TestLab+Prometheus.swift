import Foundation
import GameDayCore
import GameDayRuntime

/// One series of a Prometheus instant query: its labels and value.
public struct PrometheusSample: Sendable, Hashable {
    public var labels: [String: String]
    public var value: Double
}

extension TestLab {
    /// The service's `/metrics`, as text.
    public func metrics(of service: String) async throws -> String {
        let base = try self.service(service).healthURL.replacingOccurrences(of: "/health", with: "")
        let response = try await CurlHTTPClient().send(HTTPRequest(url: base + "/metrics"))
        return String(decoding: response.body, as: UTF8.self)
    }

    /// An instant query of the lab's Prometheus (`withLab(prometheus: true)`); every series it
    /// returns. Throws when the lab has no Prometheus or the query fails.
    public func prometheusQuery(_ query: String) async throws -> [PrometheusSample] {
        guard let prometheusURL else { throw TestLabError.unknownService("prometheus", known: []) }
        var components = URLComponents(string: prometheusURL + "/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: query)]
        // `+` is a space in a query string; URLComponents leaves it as is.
        let url = components.url!.absoluteString.replacingOccurrences(of: "+", with: "%2B")
        let response = try await CurlHTTPClient().send(HTTPRequest(url: url))
        guard response.status == 200,
            let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else {
            throw PrometheusQueryError(query: query, answer: String(decoding: response.body, as: UTF8.self))
        }
        return result.compactMap { series in
            guard let labels = series["metric"] as? [String: String], let value = series["value"] as? [Any],
                value.count == 2, let text = value[1] as? String, let number = Double(text)
            else { return nil }
            return PrometheusSample(labels: labels, value: number)
        }
    }
}

/// A Prometheus query that did not answer with a vector.
public struct PrometheusQueryError: Error, CustomStringConvertible {
    public var query: String
    public var answer: String
    public var description: String { "Prometheus query '\(query)' failed: \(answer)" }
}
