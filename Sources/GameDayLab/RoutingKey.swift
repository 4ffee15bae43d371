/// Finds the routing key of a request: the query parameter first, then the `X-User-Id` header,
/// then the cookie, the way AppActive's gateways look for it.
public enum RoutingKey {
    /// Why a request carries no usable key.
    public enum Problem: Error, Equatable, Sendable {
        case missing(key: String)
        case notAnInteger(key: String, source: String, value: String)

        public var message: String {
            switch self {
            case .missing(let key):
                "missing routing key '\(key)': give it as query parameter '\(key)', header 'X-User-Id' or cookie '\(key)'"
            case .notAnInteger(let key, let source, let value):
                "routing key '\(key)' from the \(source) is not an integer: '\(value)'"
            }
        }
    }

    /// The key from the first source that has one. A present but malformed value is an error rather
    /// than a reason to look further, so a typo never silently routes by a stale cookie.
    public static func extract(
        key: String, query: String?, header: String?, cookie: String?
    ) -> Result<Int, Problem> {
        let sources = [("query", query), ("X-User-Id header", header), ("cookie", cookie)]
        for case (let source, let value?) in sources {
            let trimmed = value.trimmingBlanks()
            guard let id = Int(trimmed) else {
                return .failure(.notAnInteger(key: key, source: source, value: value))
            }
            return .success(id)
        }
        return .failure(.missing(key: key))
    }
}

extension String {
    fileprivate func trimmingBlanks() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
