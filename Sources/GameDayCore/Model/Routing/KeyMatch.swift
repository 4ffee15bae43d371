import Foundation

/// One entry of a matching rule (`model: regex` or `business`): how the key is compared, as nginx
/// `map` and OpenResty gateways write their entries.
public enum KeyPattern: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `match: abc` — the whole key equals the text.
    case exact(String)
    /// `match: "~([5-9][0-9]{3})$"` — a regular expression found anywhere in the key (anchor it
    /// with `^` and `$`); `~*` makes it case-insensitive, as in nginx.
    case regex(String, caseInsensitive: Bool)
    /// `prefix: /api/pay` — the key starts with it (a path prefix, a service name).
    case prefix(String)
    /// `suffix: "9"` — the key ends with it (a tail number).
    case suffix(String)

    /// nginx's spelling of `match:`: `~re`, `~*re`, or an exact string (`\~` for one starting with `~`).
    public init(nginx text: String) {
        if text.hasPrefix("~*") {
            self = .regex(String(text.dropFirst(2)), caseInsensitive: true)
        } else if text.hasPrefix("~") {
            self = .regex(String(text.dropFirst()), caseInsensitive: false)
        } else if text.hasPrefix("\\~") {
            self = .exact(String(text.dropFirst()))
        } else {
            self = .exact(text)
        }
    }

    public var description: String {
        switch self {
        case .exact(let text): "= \(text)"
        case .regex(let pattern, let caseInsensitive): (caseInsensitive ? "~* " : "~ ") + pattern
        case .prefix(let text): "prefix \(text)"
        case .suffix(let text): "suffix \(text)"
        }
    }
}

/// A compiled regular expression that compares and hashes by its pattern, so rules stay values.
/// `NSRegularExpression` is immutable and safe to share between threads once made.
public final class CompiledPattern: @unchecked Sendable, Hashable {
    public let pattern: String
    public let caseInsensitive: Bool
    private let expression: NSRegularExpression

    /// Nil with the compiler's reason when the pattern does not compile.
    public static func compile(_ pattern: String, caseInsensitive: Bool) -> Result<CompiledPattern, RegexProblem> {
        do {
            let expression = try NSRegularExpression(
                pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
            return .success(CompiledPattern(pattern: pattern, caseInsensitive: caseInsensitive, expression: expression))
        } catch {
            return .failure(RegexProblem(pattern: pattern))
        }
    }

    private init(pattern: String, caseInsensitive: Bool, expression: NSRegularExpression) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        self.expression = expression
    }

    public func matches(_ key: String) -> Bool {
        expression.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) != nil
    }

    public static func == (a: CompiledPattern, b: CompiledPattern) -> Bool {
        a.pattern == b.pattern && a.caseInsensitive == b.caseInsensitive
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(caseInsensitive)
    }
}

/// A regular expression that does not compile.
public struct RegexProblem: Error, Sendable, Hashable {
    public var pattern: String
}

/// An entry of a matching rule: the pattern and where it sends a key.
public struct KeyMatch: Sendable, Hashable, Codable {
    public var pattern: KeyPattern
    public var destination: RouteDestination
    /// The compiled form of a `.regex` pattern; nil for the others (and for a regex that did not
    /// compile, which the loader reports).
    private var compiled: CompiledPattern?

    public init(pattern: KeyPattern, destination: RouteDestination) {
        self.pattern = pattern
        self.destination = destination
        if case .regex(let text, let caseInsensitive) = pattern {
            compiled = try? CompiledPattern.compile(text, caseInsensitive: caseInsensitive).get()
        }
    }

    public func matches(_ key: String) -> Bool {
        switch pattern {
        case .exact(let text): key == text
        case .prefix(let text): key.hasPrefix(text)
        case .suffix(let text): key.hasSuffix(text)
        case .regex: compiled?.matches(key) ?? false
        }
    }

    // Flat, as one JSON object: `{"match":"~([5-9][0-9]{3})$","unit":"beijing"}`.
    public init(from decoder: any Decoder) throws {
        self.init(pattern: try KeyPattern(from: decoder), destination: try RouteDestination(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try pattern.encode(to: encoder)
        try destination.encode(to: encoder)
    }
}
