/// Finds the routing key of a request: a `/users/{key}/...` path first, then the query parameter,
/// then the `X-User-Id` header, then the cookie. The last three are the way AppActive's gateways
/// look for it; the path is for APIs that name the user in the URL (`GET /users/6000/storefront`),
/// and comes first because a URL naming a user names the resource itself.
public enum RoutingKey {
    /// The path prefix whose next segment is the key: `/users/6000/storefront`.
    public static let pathPrefix = "/users/"

    /// Why a request carries no usable key.
    public enum Problem: Error, Equatable, Sendable {
        case missing(key: String)
        case notAnInteger(key: String, source: String, value: String)

        public var message: String {
            switch self {
            case .missing(let key):
                "missing routing key '\(key)': give it as path '\(RoutingKey.pathPrefix){\(key)}/...', query "
                    + "parameter '\(key)', header 'X-User-Id' or cookie '\(key)'"
            case .notAnInteger(let key, let source, let value):
                "routing key '\(key)' from the \(source) is not an integer: '\(value)'"
            }
        }
    }

    /// A path `/users/{value}/rest` split into the key's text and the path left for the service
    /// (`/rest`, `/` when nothing follows); nil for any other path.
    public static func split(path: String) -> (value: String, rest: String)? {
        guard path.hasPrefix(pathPrefix) else { return nil }
        let tail = path.dropFirst(pathPrefix.count)
        let value = tail.prefix { $0 != "/" }
        guard !value.isEmpty else { return nil }
        let rest = tail.dropFirst(value.count)
        return (String(value), rest.isEmpty ? "/" : String(rest))
    }

    /// The integer key from the first source that has one. A present but malformed value is an
    /// error rather than a reason to look further, so a typo never silently routes by a stale cookie.
    public static func extract(
        key: String, path: String? = nil, query: String?, header: String?, cookie: String?
    ) -> Result<Int, Problem> {
        extractText(key: key, path: path, query: query, header: header, cookie: cookie, integer: true).map { Int($0)! }
    }

    /// The key's text from the first source that has one (blanks around it dropped); with
    /// `integer`, a value that is not an integer is an error.
    public static func extractText(
        key: String, path: String? = nil, query: String?, header: String?, cookie: String?, integer: Bool
    ) -> Result<String, Problem> {
        let sources = [("path", path), ("query", query), ("X-User-Id header", header), ("cookie", cookie)]
        for case (let source, let value?) in sources {
            let trimmed = value.trimmingBlanks()
            if integer, Int(trimmed) == nil {
                return .failure(.notAnInteger(key: key, source: source, value: value))
            }
            guard !trimmed.isEmpty else { return .failure(.missing(key: key)) }
            return .success(trimmed)
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
