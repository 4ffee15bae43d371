/// A string with `{{name}}` drill values and `${ENV}` secrets, rendered at run time.
///
/// Everything that came from a secret (`${ENV}`, a value marked secret such as
/// `{{control_plane.token}}`, or a secret variable filled in when the file was read) is replaced by
/// `***` in the redacted rendering, which is the only one that is ever printed or archived.
public struct Template: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public enum Part: Sendable, Hashable {
        case literal(String)
        case variable(String)
        case environment(String)
        /// A secret variable's value (`{{vars.api_token}}`), filled in when the file was read.
        case secret(String)
    }

    /// Around a secret variable's value in a scalar once variables are filled in
    /// (`VariableSubstitution`): private-use characters no real file holds.
    static let secretStart: Character = "\u{E001}"
    static let secretEnd: Character = "\u{E002}"

    /// `text` with each secret variable's value as `***`: what may be shown of a filled-in scalar.
    static func redactingSecrets(_ text: String) -> String {
        guard text.contains(secretStart) else { return text }
        var shown = ""
        var inSecret = false
        for character in text {
            switch character {
            case secretStart:
                inSecret = true
                shown += RenderedString.mask
            case secretEnd: inSecret = false
            default: if !inSecret { shown.append(character) }
            }
        }
        return shown
    }

    public var parts: [Part]
    /// The text as written, a secret variable's value as `***`.
    public var source: String

    public init(stringLiteral value: String) {
        self = (try? Template(parsing: value)) ?? Template(parts: [.literal(value)], source: value)
    }

    init(parts: [Part], source: String) {
        self.parts = parts
        self.source = source
    }

    /// Why a template could not be read.
    public struct ParseError: Error, Sendable, Equatable {
        public var message: String
        /// Offset (in characters) of the problem within the template.
        public var offset: Int
    }

    /// Parses `text`; an unclosed `{{` or `${`, or an empty name, is an error.
    public init(parsing text: String) throws(ParseError) {
        var parts: [Part] = []
        var literal = ""
        var index = text.startIndex
        func offset(_ i: String.Index) -> Int { text.distance(from: text.startIndex, to: i) }
        while index < text.endIndex {
            let rest = text[index...]
            if text[index] == Self.secretStart, let end = rest.firstIndex(of: Self.secretEnd) {
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                parts.append(.secret(String(text[text.index(after: index)..<end])))
                index = text.index(after: end)
            } else if rest.hasPrefix("{{") || rest.hasPrefix("${") {
                let isVariable = rest.hasPrefix("{{")
                let close = isVariable ? "}}" : "}"
                let nameStart = text.index(index, offsetBy: 2)
                guard let end = text[nameStart...].firstRange(of: close) else {
                    throw ParseError(
                        message: "'\(isVariable ? "{{" : "${")' is never closed with '\(close)'", offset: offset(index))
                }
                let name = text[nameStart..<end.lowerBound].trimmingWhitespace()
                let valid =
                    isVariable
                    ? name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
                    : name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" }
                guard !name.isEmpty, valid else {
                    throw ParseError(
                        message: "'\(text[index..<end.upperBound])' does not name a value", offset: offset(index))
                }
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                parts.append(isVariable ? .variable(name) : .environment(name))
                index = end.upperBound
            } else {
                literal.append(text[index])
                index = text.index(after: index)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
        self.source = Self.redactingSecrets(text)
    }

    public var description: String { source }

    /// Names of the `{{variables}}` used.
    public var variables: [String] { parts.compactMap { if case .variable(let n) = $0 { n } else { nil } } }

    /// Names of the `${ENV}` secrets used.
    public var environmentNames: [String] {
        parts.compactMap { if case .environment(let n) = $0 { n } else { nil } }
    }

    /// Renders the template; throws when a value is missing.
    public func render(_ context: TemplateContext) throws(TemplateError) -> RenderedString {
        var value = ""
        var redacted = ""
        for part in parts {
            switch part {
            case .literal(let text):
                value += text
                redacted += text
            case .variable(let name):
                guard let entry = context.values[name] else {
                    throw TemplateError.unknownValue(name, known: context.values.keys.sorted())
                }
                value += entry.value
                redacted += entry.secret ? RenderedString.mask : entry.value
            case .environment(let name):
                guard let secret = context.environment(name) else { throw TemplateError.missingEnvironment(name) }
                value += secret
                redacted += RenderedString.mask
            case .secret(let secret):
                value += secret
                redacted += RenderedString.mask
            }
        }
        return RenderedString(value: value, redacted: redacted)
    }
}

/// A rendered template: the value to send, and the form safe to print.
public struct RenderedString: Sendable, Hashable {
    public static let mask = "***"
    public var value: String
    public var redacted: String

    public init(value: String, redacted: String) {
        self.value = value
        self.redacted = redacted
    }
}

/// Why a template could not be rendered.
public enum TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownValue(String, known: [String])
    case missingEnvironment(String)
    case unreadableSecret(String)

    public var description: String {
        switch self {
        case .unknownValue(let name, let known):
            "'{{\(name)}}' names no value; known values: \(known.joined(separator: ", "))"
        case .missingEnvironment(let name):
            "the environment variable \(name) is not set; export it before running the drill"
        case .unreadableSecret(let what): what
        }
    }
}

/// The values a template can use.
public struct TemplateContext: Sendable {
    public struct Entry: Sendable {
        public var value: String
        public var secret: Bool
    }

    public var values: [String: Entry]
    public var environment: @Sendable (String) -> String?

    public init(
        values: [String: String] = [:], secrets: [String: String] = [:],
        environment: @escaping @Sendable (String) -> String?
    ) {
        self.values = values.mapValues { Entry(value: $0, secret: false) }
        for (name, value) in secrets { self.values[name] = Entry(value: value, secret: true) }
        self.environment = environment
    }

    /// A copy with more plain values.
    public func adding(_ more: [String: String]) -> TemplateContext {
        var copy = self
        for (name, value) in more { copy.values[name] = Entry(value: value, secret: false) }
        return copy
    }
}

/// A JSON document whose strings are templates (a request body).
public indirect enum JSONTemplate: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(Template)
    case array([JSONTemplate])
    case object([(key: String, value: JSONTemplate)])

    public static func == (lhs: JSONTemplate, rhs: JSONTemplate) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(String(describing: self))
    }

    /// Renders to JSON text, real and redacted.
    public func render(_ context: TemplateContext) throws(TemplateError) -> RenderedString {
        switch self {
        case .null: return RenderedString(value: "null", redacted: "null")
        case .bool(let b): return RenderedString(value: "\(b)", redacted: "\(b)")
        case .integer(let i): return RenderedString(value: "\(i)", redacted: "\(i)")
        case .number(let d): return RenderedString(value: "\(d)", redacted: "\(d)")
        case .string(let template):
            let rendered = try template.render(context)
            // A string that is one JSON-valued variable and nothing else (`users: "{{cutover.users}}"`)
            // becomes that JSON value, not a string holding it.
            if template.parts.count == 1, case .variable(let name) = template.parts[0],
                TemplateVariables.jsonValued.contains(name)
            {
                return rendered
            }
            return RenderedString(value: JSONText.quote(rendered.value), redacted: JSONText.quote(rendered.redacted))
        case .array(let items):
            var values: [String] = []
            var redacted: [String] = []
            for item in items {
                let r = try item.render(context)
                values.append(r.value)
                redacted.append(r.redacted)
            }
            return RenderedString(
                value: "[\(values.joined(separator: ","))]", redacted: "[\(redacted.joined(separator: ","))]")
        case .object(let members):
            var values: [String] = []
            var redacted: [String] = []
            for member in members {
                let r = try member.value.render(context)
                values.append("\(JSONText.quote(member.key)):\(r.value)")
                redacted.append("\(JSONText.quote(member.key)):\(r.redacted)")
            }
            return RenderedString(
                value: "{\(values.joined(separator: ","))}", redacted: "{\(redacted.joined(separator: ","))}")
        }
    }

    /// Every template in the document.
    public var templates: [Template] {
        switch self {
        case .string(let t): [t]
        case .array(let items): items.flatMap(\.templates)
        case .object(let members): members.flatMap(\.value.templates)
        default: []
        }
    }
}

/// JSON string quoting without Foundation.
public enum JSONText {
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                let hex = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
