/// A request template rendered for sending, with a redacted copy for output and archives.
public struct RenderedRequest: Sendable {
    public var request: HTTPRequest
    /// The same request with every secret replaced by `***`.
    public var display: RequestRecord

    public init(_ template: RequestTemplate, context: TemplateContext, timeout: Duration) throws(TemplateError) {
        let url = try template.url.render(context)
        var headers: [(name: String, value: String)] = []
        var shownHeaders: [String: String] = [:]
        for header in template.headers {
            let value = try header.value.render(context)
            headers.append((name: header.name, value: value.value))
            shownHeaders[header.name] = value.redacted
        }
        let body = try template.body?.render(context)
        if body != nil, !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append((name: "Content-Type", value: "application/json"))
            shownHeaders["Content-Type"] = "application/json"
        }
        request = HTTPRequest(
            method: template.method, url: url.value, headers: headers, body: body.map { Array($0.value.utf8) },
            timeout: timeout)
        display = RequestRecord(method: template.method, url: url.redacted, headers: shownHeaders, body: body?.redacted)
    }
}

/// A request as it is shown and archived: secrets redacted.
public struct RequestRecord: Sendable, Hashable, Codable {
    public var method: String
    public var url: String
    public var headers: [String: String]
    public var body: String?

    public init(method: String, url: String, headers: [String: String] = [:], body: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// `POST http://127.0.0.1:9301/v1/cutovers` and the rest on following lines.
    public var summary: String {
        var lines = ["\(method) \(url)"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { lines.append("\(name): \(value)") }
        if let body { lines.append(body) }
        return lines.joined(separator: "\n")
    }
}
