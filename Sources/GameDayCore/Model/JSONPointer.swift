/// An RFC 6901 JSON Pointer: `/data/unit`, `/units/0`; `~1` stands for `/` and `~0` for `~` in a key
/// (`/a~1b` is the key `a/b`). The empty pointer is the whole document.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The pointer as written.
    public let text: String
    /// Its reference tokens, unescaped: `["data", "unit"]`.
    public let tokens: [String]

    /// Reads `text`; it must be empty or start with `/`, and every `~` must be followed by `0` or `1`.
    public init(_ text: String) throws(JSONPointerError) {
        guard !text.isEmpty else {
            self.text = text
            self.tokens = []
            return
        }
        guard text.first == "/" else { throw .noLeadingSlash(text) }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var escaped = false
            for character in raw {
                if escaped {
                    switch character {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: throw .badEscape(text)
                    }
                    escaped = false
                } else if character == "~" {
                    escaped = true
                } else {
                    token.append(character)
                }
            }
            if escaped { throw .badEscape(text) }
            tokens.append(token)
        }
        self.text = text
        self.tokens = tokens
    }

    public var description: String { text }

    /// The value the pointer refers to in a document as `JSONSerialization` gives it, or nil when
    /// there is none: a key an object lacks, an index past an array's end (or `-`, or with a
    /// leading zero), or a step into a scalar.
    public func value(in document: Any) -> Any? {
        var current = document
        for token in tokens {
            if let object = current as? [String: Any] {
                guard let next = object[token] else { return nil }
                current = next
            } else if let array = current as? [Any] {
                guard let index = Self.index(token), index < array.count else { return nil }
                current = array[index]
            } else {
                return nil
            }
        }
        return current
    }

    /// An array index as RFC 6901 spells it: `0`, or digits without a leading zero.
    private static func index(_ token: String) -> Int? {
        guard let first = token.utf8.first, token.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        if first == 0x30, token.utf8.count > 1 { return nil }
        return Int(token)
    }
}

/// Why a text is not a JSON Pointer.
public enum JSONPointerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `unit` for `/unit`.
    case noLeadingSlash(String)
    /// A `~` not followed by `0` or `1`.
    case badEscape(String)

    public var description: String {
        switch self {
        case .noLeadingSlash(let text):
            "a JSON Pointer is empty (the whole body) or starts with '/', found '\(text)' (did you mean '/\(text)'?)"
        case .badEscape(let text):
            "in a JSON Pointer '~' is followed by 0 ('~0' is '~') or 1 ('~1' is '/'), found '\(text)'"
        }
    }
}
