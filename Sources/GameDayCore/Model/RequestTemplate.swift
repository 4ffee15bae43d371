/// A request whose strings may hold `{{drill.values}}` and `${ENV}` secrets.
public struct RequestTemplate: Sendable, Hashable {
    public var method: String
    public var url: Template
    public var headers: [HeaderTemplate]
    /// A JSON body whose string leaves are templates.
    public var body: JSONTemplate?
    /// Where the request is written (the `request:` mapping), for diagnostics.
    public var location: SourceLocation?

    public init(
        method: String = "GET", url: Template, headers: [HeaderTemplate] = [], body: JSONTemplate? = nil,
        location: SourceLocation? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.location = location
    }
}

public struct HeaderTemplate: Sendable, Hashable {
    public var name: String
    public var value: Template

    public init(name: String, value: Template) {
        self.name = name
        self.value = value
    }
}
