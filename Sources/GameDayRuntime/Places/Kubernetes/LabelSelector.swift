/// A label selector in a conservative subset of Kubernetes' grammar:
/// `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key`, `!key`,
/// joined by commas.
///
/// Keys are `[prefix/]name` (prefix a DNS-1123 subdomain, name a qualified name); values are
/// qualified names. Empty values and empty selectors are refused: an empty selector matches every
/// pod in the namespace, never what a fault on one service means.
public struct LabelSelector: Sendable, Hashable, Codable, CustomStringConvertible {
    /// One comma-separated part of the selector.
    public enum Requirement: Sendable, Hashable {
        case equals(key: String, value: String)
        case notEquals(key: String, value: String)
        case oneOf(key: String, values: [String])
        case noneOf(key: String, values: [String])
        case exists(key: String)
        case doesNotExist(key: String)

        /// The canonical text kubectl receives.
        var text: String {
            switch self {
            case .equals(let key, let value): return "\(key)=\(value)"
            case .notEquals(let key, let value): return "\(key)!=\(value)"
            case .oneOf(let key, let values): return "\(key) in (\(values.joined(separator: ",")))"
            case .noneOf(let key, let values): return "\(key) notin (\(values.joined(separator: ",")))"
            case .exists(let key): return key
            case .doesNotExist(let key): return "!\(key)"
            }
        }
    }

    public let requirements: [Requirement]

    /// Parses `text`, or throws saying what is wrong with it.
    public init(_ text: String) throws(KubernetesError) {
        var parser = Parser(text: text)
        requirements = try parser.parse()
    }

    /// The canonical form passed to `kubectl --selector=`, spaces normalised.
    public var description: String { requirements.map(\.text).joined(separator: ",") }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: - Parsing

    private struct Parser {
        let text: String
        let characters: [Character]
        var index = 0

        init(text: String) {
            self.text = text
            characters = Array(text)
        }

        mutating func parse() throws(KubernetesError) -> [Requirement] {
            var requirements: [Requirement] = []
            repeat {
                requirements.append(try requirement())
                skipSpaces()
            } while consume(",")
            guard index == characters.count else { throw refusal("unexpected '\(characters[index])'") }
            return requirements
        }

        mutating func requirement() throws(KubernetesError) -> Requirement {
            skipSpaces()
            if consume("!") {
                return .doesNotExist(key: try key())
            }
            let key = try key()
            skipSpaces()
            if consume("!") {
                guard consume("=") else { throw refusal("'!' must be followed by '=' after key \(key)") }
                return .notEquals(key: key, value: try value())
            }
            if consume("=") {
                _ = consume("=")
                return .equals(key: key, value: try value())
            }
            let word = self.word()
            switch word {
            case "in": return .oneOf(key: key, values: try valueList())
            case "notin": return .noneOf(key: key, values: try valueList())
            case "": return .exists(key: key)
            default: throw refusal("unknown operator '\(word)' after key \(key) (use =, !=, in, notin)")
            }
        }

        mutating func key() throws(KubernetesError) -> String {
            skipSpaces()
            let key = word(allowing: "/")
            let parts = key.split(separator: "/", omittingEmptySubsequences: false)
            let valid =
                switch parts.count {
                case 1: Self.isQualifiedName(parts[0])
                case 2: DNS1123.isSubdomain(String(parts[0])) && Self.isQualifiedName(parts[1])
                default: false
                }
            guard valid else {
                throw refusal(
                    key.isEmpty ? "a label key is missing" : "'\(key)' is not a label key ([prefix/]name)")
            }
            return key
        }

        mutating func value() throws(KubernetesError) -> String {
            skipSpaces()
            let value = word()
            guard Self.isQualifiedName(Substring(value)) else {
                throw refusal(value.isEmpty ? "a label value is missing" : "'\(value)' is not a label value")
            }
            return value
        }

        mutating func valueList() throws(KubernetesError) -> [String] {
            skipSpaces()
            guard consume("(") else { throw refusal("'in' and 'notin' need a list in parentheses: in (a,b)") }
            var values: [String] = []
            repeat {
                values.append(try value())
                skipSpaces()
            } while consume(",")
            guard consume(")") else { throw refusal("a value list is not closed with ')'") }
            return values
        }

        /// Letters, digits, `-`, `_`, `.` (and `extra`); nothing else can start or continue a word.
        mutating func word(allowing extra: Character? = nil) -> String {
            let start = index
            while index < characters.count,
                characters[index].isASCII
                    && (characters[index].isLetter || characters[index].isNumber
                        || "-_.".contains(characters[index]) || characters[index] == extra)
            {
                index += 1
            }
            return String(characters[start..<index])
        }

        mutating func consume(_ character: Character) -> Bool {
            guard index < characters.count, characters[index] == character else { return false }
            index += 1
            return true
        }

        mutating func skipSpaces() {
            while index < characters.count, characters[index] == " " { index += 1 }
        }

        func refusal(_ reason: String) -> KubernetesError {
            .invalidValue(
                what: "label selector", value: text,
                expected:
                    "key=value, key!=value, key in (a,b), key notin (a,b), key or !key, joined by commas (\(reason))"
            )
        }

        /// A qualified name's name part: `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63.
        static func isQualifiedName(_ text: Substring) -> Bool {
            guard let first = text.utf8.first, let last = text.utf8.last, text.utf8.count <= 63 else { return false }
            return NameRule.isAlphanumeric(first) && NameRule.isAlphanumeric(last)
                && text.utf8.allSatisfy {
                    NameRule.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                        || $0 == UInt8(ascii: ".")
                }
        }
    }
}
