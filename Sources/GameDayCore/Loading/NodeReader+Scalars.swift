import Yams

// MARK: - Scalars

extension NodeReader {
    /// Any scalar as text (`name: 123` reads as "123"); nothing, a mapping or a list is an error.
    /// A secret variable's value is refused but where `allowSecret` (a template, which shows it as `***`).
    func text(_ node: Node, allowEmpty: Bool = false, allowSecret: Bool = false) -> String? {
        guard case .scalar(let scalar) = node, !isNull(node) else {
            error("expected a string, found \(describe(node))", at: node)
            return nil
        }
        if !allowSecret, scalar.string.contains(Template.secretStart) {
            error(
                "a secret variable may only be used in a request's url, headers or body (or a check's query), "
                    + "where it is sent and shown as ***; here it would be printed", at: node)
            return nil
        }
        if !allowEmpty, scalar.string.isEmpty {
            error("expected a string, found an empty string", at: node)
            return nil
        }
        return scalar.string
    }

    /// One string or a list of them (`body_contains`, `done`).
    func texts(_ node: Node, path: String) -> [String]? {
        guard let items = oneOrMany(node, path: path) else { return nil }
        let values = items.compactMap { text($0) }
        return values.count == items.count ? values : nil
    }

    /// A routing key: `6000`, `M100017`, `"22.54,114.06"`, `/api/pay`. Printable text without
    /// blanks at its ends, at most 256 characters: it goes into URLs, headers and result files.
    func routingKey(_ node: Node) -> String? {
        guard let key = text(node) else { return nil }
        if key.count > 256 {
            error("expected a routing key of at most 256 characters, found \(key.count)", at: node)
            return nil
        }
        if key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            error("a routing key may not hold control characters", at: node)
            return nil
        }
        if key.first == " " || key.last == " " {
            error("a routing key may not start or end with a blank: \(describe(node))", at: node)
            return nil
        }
        return key
    }

    /// A plain integer such as `6000` (not `"6000"`, not `6e3`).
    func integer(_ node: Node) -> Int? {
        guard isPlain(node), case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            error("expected an integer, found \(describe(node))", at: node)
            return nil
        }
        return value
    }

    /// An integer within `range`, with `what` naming it in the message.
    func integer(_ node: Node, in range: ClosedRange<Int>, what: String) -> Int? {
        let bounds = "between \(range.lowerBound) and \(range.upperBound)"
        // Digits too many for an Int are a number out of range, not something else than a number.
        if isPlain(node), case .scalar(let scalar) = node, Int(scalar.string) == nil, Self.isDecimal(scalar.string) {
            error("expected \(what) \(bounds), found \(describe(node))", at: node)
            return nil
        }
        guard let value = integer(node) else { return nil }
        guard range.contains(value) else {
            error("expected \(what) \(bounds), found \(value)", at: node)
            return nil
        }
        return value
    }

    /// `123`, `-45`, `+6`: an optional sign and ASCII digits.
    static func isDecimal(_ text: String) -> Bool {
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// HTTP statuses: `200` or `[200, 204]`.
    func statuses(_ node: Node, path: String) -> [Int]? {
        guard let items = oneOrMany(node, path: path) else { return nil }
        let values = items.compactMap { integer($0, in: 100...599, what: "an HTTP status") }
        return values.count == items.count ? values : nil
    }

    /// `true` or `false` (YAML 1.1's `yes`/`on` are refused: they surprise people).
    func bool(_ node: Node) -> Bool? {
        if isPlain(node), case .scalar(let scalar) = node {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        error("expected true or false, found \(describe(node))", at: node)
        return nil
    }

    /// A duration with units, greater than zero and at most `InputLimits.longestDuration`: `250ms`,
    /// `5s`, `2m`, `1m30s`; `allowZero` also takes `0ms` where zero means something (a proxy timeout
    /// that never ends).
    func duration(_ node: Node, allowZero: Bool = false) -> Duration? {
        guard case .scalar(let scalar) = node, !isNull(node), let value = DurationText.parse(scalar.string) else {
            error("expected a duration such as '250ms', '5s' or '2m', found \(describe(node))", at: node)
            return nil
        }
        guard value > .zero || (allowZero && value == .zero) else {
            error("expected a duration greater than zero, found \(describe(node))", at: node)
            return nil
        }
        guard value <= InputLimits.longestDuration else {
            let longest = DurationText.format(InputLimits.longestDuration)
            error("expected a duration of at most \(longest), found \(describe(node))", at: node)
            return nil
        }
        return value
    }

    /// A duration no shorter than `minimum`; `why` says why in the error.
    func duration(_ node: Node, atLeast minimum: Duration, because why: String) -> Duration? {
        guard let value = duration(node) else { return nil }
        guard value >= minimum else {
            error(
                "expected a duration of at least \(DurationText.format(minimum)), found \(describe(node)): \(why)",
                at: node)
            return nil
        }
        return value
    }

    /// An interval between requests the runner repeats (probes, canaries, polls): at least
    /// `ProbeSpec.minimumInterval`.
    func interval(_ node: Node) -> Duration? {
        duration(
            node, atLeast: ProbeSpec.minimumInterval,
            because: "gameday cannot send requests at a shorter interval and keep its schedule")
    }

    /// A string with `{{values}}` and `${ENV}`; a malformed one is reported at the scalar.
    func template(_ node: Node) -> Template? {
        guard let source = text(node, allowSecret: true) else { return nil }
        do {
            return try Template(parsing: source)
        } catch {
            self.error("invalid template: \(error.message)", at: node)
            return nil
        }
    }

    /// One of a few spellings (`impact: fail`), with a suggestion when it is close to one.
    func choice<Value>(_ node: Node, what: String, options: [(String, Value)]) -> Value? {
        guard let word = text(node) else { return nil }
        if let match = options.first(where: { $0.0 == word }) { return match.1 }
        error("unknown \(what) '\(word)'" + Suggestion.hint(for: word, among: options.map(\.0)), at: node)
        return nil
    }

    /// A name made of lowercase letters, digits and '-', starting with a letter or digit.
    func slug(_ node: Node, what: String, example: String) -> String? {
        guard let name = text(node) else { return nil }
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        guard allowed, name.first != "-" else {
            error("\(what) '\(name)' must be lowercase letters, digits and '-' (such as '\(example)')", at: node)
            return nil
        }
        return name
    }

    /// An `http://` or `https://` URL.
    func url(_ node: Node) -> String? {
        guard let value = text(node) else { return nil }
        guard value.hasPrefix("http://") || value.hasPrefix("https://") else {
            error("expected an http:// or https:// URL, found '\(value)'", at: node)
            return nil
        }
        return value
    }
}
