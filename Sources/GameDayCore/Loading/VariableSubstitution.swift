import Yams

/// Fills `{{vars.NAME}}` into a composed document's scalars, keys included, before any reader sees it.
///
/// Working on the tree rather than the text keeps every node's mark, so what a reader says about a
/// filled-in value points at the file's own line and column, and a value never changes the
/// document's structure (a value with `: ` or a line break is text, never a new key).
///
/// A scalar that is `{{vars.NAME}}` alone becomes the value as if written there: a `--var port=9300`
/// (or a var file's unquoted `port: 9300`) is the integer 9300 whatever the quotes around the
/// reference — YAML needs them, `{` starting a flow mapping — and a var file's quoted `"9300"` stays
/// a string. Inside a longer scalar the value is text, and the scalar keeps its own quoting. A
/// secret's value is put between `Template.secretStart` and `secretEnd`, so a template shows it as
/// `***` and any other reader refuses it. Every other `{{…}}` is left for run time.
struct VariableSubstitution {
    let document: YAMLDocument
    let variables: Variables
    private let lines: YAMLLines
    /// Most files have no reference at all: their tree is not rebuilt.
    private let mentionsVariables: Bool
    /// Names filled in.
    private(set) var used: Set<String> = []
    private(set) var diagnostics: [Diagnostic] = []
    /// Scalars with a reference that was not filled in: what a reader says about them adds nothing.
    private(set) var unfilled: Set<SourceLocation> = []
    /// Scalars filled in, with the names filled: a reader's error there says where its value came from.
    private(set) var sources: [SourceLocation: [String]] = [:]

    init(document: YAMLDocument, text: String, variables: Variables) {
        self.document = document
        self.variables = variables
        self.mentionsVariables = text.contains("vars.")
        self.lines = YAMLLines(mentionsVariables ? text : "")
    }

    /// The document with its variables filled in.
    mutating func apply() -> YAMLDocument {
        guard mentionsVariables, let root = document.root else { return document }
        return document.replacingRoot(node(root))
    }

    // MARK: - Walking

    private mutating func node(_ node: Node) -> Node {
        switch node {
        case .scalar(let scalar):
            return .scalar(fill(scalar, isKey: false))
        case .mapping(let mapping):
            var pairs: [(Node, Node)] = []
            for (key, value) in mapping {
                let filledKey: Node =
                    if case .scalar(let scalar) = key { .scalar(fill(scalar, isKey: true)) } else { self.node(key) }
                pairs.append((filledKey, self.node(value)))
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            var items: [Node] = []
            for item in sequence { items.append(self.node(item)) }
            return .sequence(Node.Sequence(items, sequence.tag, sequence.style, sequence.mark))
        case .alias:
            return node
        }
    }

    private mutating func fill(_ scalar: Node.Scalar, isKey: Bool) -> Node.Scalar {
        let references = Self.references(in: scalar.string)
        guard !references.isEmpty else { return scalar }
        let start = document.location(of: .scalar(scalar))
        var cursor = (line: start.line, column: start.column)
        var filled = ""
        var rest = scalar.string.startIndex
        var complete = true
        var alone: Variables.Variable?
        for reference in references {
            let location = locate(reference.token, after: &cursor) ?? start
            filled += scalar.string[rest..<reference.range.lowerBound]
            rest = reference.range.upperBound
            guard let variable = value(of: reference, at: location, isKey: isKey) else {
                complete = false
                filled += reference.token
                continue
            }
            used.insert(variable.name)
            if reference.range == scalar.string.startIndex..<scalar.string.endIndex { alone = variable }
            filled +=
                variable.isSecret
                ? String(Template.secretStart) + variable.value + String(Template.secretEnd) : variable.value
        }
        filled += scalar.string[rest...]
        guard complete else {
            unfilled.insert(start)
            return scalar
        }
        sources[start] = references.map(\.name)
        if let alone {
            let style: Node.Scalar.Style = alone.isTyped && !alone.isSecret ? .plain : .doubleQuoted
            return Node.Scalar(filled, .implicit, style, scalar.mark)
        }
        return Node.Scalar(filled, scalar.tag, scalar.style, scalar.mark)
    }

    /// The variable `reference` names, or nil after saying why there is none.
    private mutating func value(of reference: Reference, at location: SourceLocation, isKey: Bool)
        -> Variables.Variable?
    {
        guard Variables.isValidName(reference.name) else {
            diagnostics.append(
                Diagnostic(
                    location,
                    "'\(reference.token)' does not name a variable: a variable's name is letters, digits, '_' and '-'"
                ))
            return nil
        }
        guard let variable = variables[reference.name] else {
            diagnostics.append(Diagnostic(location, unknownMessage(reference.name)))
            return nil
        }
        if isKey, variable.isSecret {
            diagnostics.append(
                Diagnostic(
                    location, "the secret variable '\(reference.name)' cannot name a key: keys are printed"))
            return nil
        }
        return variable
    }

    private func unknownMessage(_ name: String) -> String {
        let give = "give it with --var \(name)=VALUE or in a --var-file"
        if variables.isEmpty { return "unknown variable '\(name)': no variable was given; \(give)" }
        if let match = Suggestion.closest(to: name, among: variables.names) {
            return "unknown variable '\(name)' (did you mean '\(match)'?)"
        }
        return "unknown variable '\(name)'; given: \(variables.names.joined(separator: ", ")); or \(give)"
    }

    /// Where `token` is in the file, searching from `cursor` (moved past it); nil when the scalar
    /// spells it otherwise (escapes in a quoted string), and the scalar's own place is used.
    private func locate(_ token: String, after cursor: inout (line: Int, column: Int)) -> SourceLocation? {
        let wanted = Array(token.unicodeScalars)
        // A scalar's reference is on its first lines; a block scalar may run on.
        for line in cursor.line..<min(lines.count + 1, cursor.line + 200) {
            let text = Array(lines.prefix(line, before: Int.max))
            let from = line == cursor.line ? max(0, cursor.column - 1) : 0
            guard from + wanted.count <= text.count else { continue }
            for column in from...(text.count - wanted.count)
            where text[column..<column + wanted.count].elementsEqual(wanted) {
                cursor = (line, column + 1 + wanted.count)
                return SourceLocation(file: document.file, line: line, column: column + 1)
            }
        }
        return nil
    }

    /// `diagnostic`, saying which variables filled its scalar, when any did: `found 'abc'` alone would
    /// not say the value came from a var file.
    func explaining(_ diagnostic: Diagnostic) -> Diagnostic {
        guard let names = sources[diagnostic.location] else { return diagnostic }
        var explained = diagnostic
        explained.message += " (filled in from " + names.map { "{{vars.\($0)}}" }.joined(separator: ", ") + ")"
        return explained
    }

    // MARK: - References

    /// A `{{vars.NAME}}` in a scalar (spaces allowed inside the braces, as in templates).
    struct Reference: Equatable {
        var range: Range<String.Index>
        var token: String
        var name: String
    }

    /// Every `{{vars.…}}` in `text`, in order; other `{{…}}` are run-time values.
    static func references(in text: String) -> [Reference] {
        var references: [Reference] = []
        var index = text.startIndex
        while let open = text[index...].firstRange(of: "{{") {
            guard let close = text[open.upperBound...].firstRange(of: "}}") else { break }
            let inner = text[open.upperBound..<close.lowerBound].trimmingWhitespace()
            if inner.hasPrefix("vars.") {
                let range = open.lowerBound..<close.upperBound
                references.append(
                    Reference(range: range, token: String(text[range]), name: String(inner.dropFirst("vars.".count))))
            }
            index = close.upperBound
        }
        return references
    }
}
