import Foundation

/// Sends PromQL to a Prometheus server's HTTP API (`/api/v1/query`, `/api/v1/query_range`, as a
/// form POST so that long queries fit) with the target's credentials, and reads the answer.
public struct PrometheusQuery: Sendable {
    public let target: PrometheusTarget
    let transport: any HTTPTransport
    /// `Authorization: …`, already read from its secret source; never printed.
    let authorization: String?

    /// Reads the credentials (the bearer token or the basic-auth password) from the environment
    /// or their file; the error says which and what to do.
    public init(
        target: PrometheusTarget, transport: any HTTPTransport, environment: (String) -> String?,
        files: any FileSystem
    ) throws(SecretError) {
        self.target = target
        self.transport = transport
        if let token = target.token {
            let value = try token.read(
                environment: environment, files: files, what: "the Prometheus token", key: "prometheus.token")
            authorization = "Bearer \(value)"
        } else if let auth = target.basicAuth {
            let password = try auth.password.read(
                environment: environment, files: files, what: "the Prometheus password",
                key: "prometheus.basic_auth.password")
            authorization = "Basic " + Data("\(auth.username):\(password)".utf8).base64EncodedString()
        } else {
            authorization = nil
        }
    }

    /// Evaluates `query` now, or over the last `window` (a range query, one point per `step`).
    public func evaluate(_ query: String, window: Duration? = nil, now: Double) async -> PrometheusAnswer {
        var form = [("query", query)]
        let path: String
        if let window {
            let seconds = max(window.milliseconds / 1000, 1)
            // At most about 250 points a series, never finer than Prometheus's own second.
            let step = max(1, (seconds / 250).rounded(.up))
            form += [
                ("start", Self.seconds(now - seconds)), ("end", Self.seconds(now)), ("step", Self.seconds(step)),
            ]
            path = "/api/v1/query_range"
        } else {
            form.append(("time", Self.seconds(now)))
            path = "/api/v1/query"
        }
        var headers = [(name: "Content-Type", value: "application/x-www-form-urlencoded")]
        if let authorization { headers.append((name: "Authorization", value: authorization)) }
        let url = Self.join(target.url, path)
        let request = HTTPRequest(
            method: "POST", url: url, headers: headers, body: Array(Self.formBody(form).utf8), timeout: target.timeout)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            if error.kind == .cancelled { return .failed(.cancelled) }
            return .failed(.unreachable("Prometheus at \(target.url) did not answer: \(error.message)"))
        }
        return Self.read(response, url: url)
    }

    /// Reads Prometheus's answer: its JSON envelope (`status`, `data.resultType`, `data.result`,
    /// or `errorType` and `error`).
    static func read(_ response: HTTPResponse, url: String) -> PrometheusAnswer {
        if response.status == 401 || response.status == 403 {
            return .failed(
                .refused(
                    "Prometheus refused the credentials (\(response.status) to POST \(url)): check the target's "
                        + "'prometheus.token' or 'prometheus.basic_auth'"))
        }
        guard let json = JSONValue.parse(response.body), let status = json["status"]?.string else {
            let start = String(response.bodyText.prefix(120)).replacingOccurrences(of: "\n", with: " ")
            return .failed(
                .badAnswer(
                    "POST \(url) answered \(response.status) with no Prometheus API answer: '\(start)' "
                        + "(is 'prometheus.url' the server, without /api/v1?)"))
        }
        guard status == "success" else {
            let kind = json["errorType"]?.string ?? "error"
            let message = json["error"]?.string ?? "no message"
            if kind == "bad_data" { return .failed(.badQuery(message)) }
            return .failed(.badAnswer("Prometheus answered \(response.status), \(kind): \(message)"))
        }
        guard let data = json["data"], let type = data["resultType"]?.string, let result = data["result"] else {
            return .failed(.badAnswer("Prometheus's answer holds no 'data.resultType' and 'data.result'"))
        }
        switch type {
        case "scalar":
            guard let sample = Self.sample(result) else { return .failed(.badAnswer("a scalar without a value")) }
            return .values([QuerySeries(labels: "scalar", samples: [sample])])
        case "vector", "matrix":
            let series = (result.array ?? []).compactMap { item -> QuerySeries? in
                let labels = Self.labels(item["metric"])
                if let value = item["value"], let sample = Self.sample(value) {
                    return QuerySeries(labels: labels, samples: [sample])
                }
                let samples = (item["values"]?.array ?? []).compactMap(Self.sample)
                return samples.isEmpty ? nil : QuerySeries(labels: labels, samples: samples)
            }
            return series.isEmpty ? .noData : .values(series)
        default:
            return .failed(.badAnswer("the query gives a \(type), not a number: use a vector or scalar expression"))
        }
    }

    /// `[1733400000.123, "0.5"]`.
    private static func sample(_ pair: JSONValue) -> QuerySample? {
        guard let items = pair.array, items.count == 2, let time = items[0].number, let text = items[1].string,
            let value = MetricValue.parse(text)
        else { return nil }
        return QuerySample(time: time, value: value)
    }

    /// `{code="500", unit="hangzhou"}`, sorted by name; `{}` for none.
    private static func labels(_ metric: JSONValue?) -> String {
        let pairs = (metric?.object ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value.string ?? "")\"" }
        return "{" + pairs.joined(separator: ", ") + "}"
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    static func join(_ base: String, _ path: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters percent-encoded.
    static func formBody(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }
}

/// One value of a series at a moment (Unix seconds).
public struct QuerySample: Sendable, Hashable {
    public var time: Double
    public var value: Double
}

/// A series of the answer: its labels as PromQL writes them, and its samples.
public struct QuerySeries: Sendable, Hashable {
    public var labels: String
    public var samples: [QuerySample]
}

/// What a query gave.
public enum PrometheusAnswer: Sendable, Hashable {
    case values([QuerySeries])
    /// An empty result: no series matched.
    case noData
    case failed(PrometheusFailure)
}

/// Why a query gave no answer; each a distinct outcome.
public enum PrometheusFailure: Sendable, Hashable, CustomStringConvertible {
    case unreachable(String)
    case refused(String)
    /// Prometheus could not parse or run the query (`bad_data`).
    case badQuery(String)
    case badAnswer(String)
    case cancelled

    public var description: String {
        switch self {
        case .unreachable(let message), .refused(let message), .badAnswer(let message): message
        case .badQuery(let message): "the query does not parse: \(message)"
        case .cancelled: "cancelled"
        }
    }
}
