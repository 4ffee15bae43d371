import Yams

/// Reads a composed YAML tree into model values, collecting every problem with its position.
///
/// Each reading function returns nil after recording why, so a caller can carry on with the
/// rest of the file and every problem is reported at once.
final class NodeReader {
    let document: YAMLDocument
    /// `drill` or `target`: names the top level in messages.
    let kind: String
    private(set) var diagnostics: [Diagnostic] = []

    init(document: YAMLDocument, kind: String) {
        self.document = document
        self.kind = kind
    }

    var file: String { document.file }

    func location(of node: Node) -> SourceLocation { document.location(of: node) }

    func error(_ message: String, at node: Node) { diagnostics.append(Diagnostic(location(of: node), message)) }

    func error(_ message: String, at location: SourceLocation) { diagnostics.append(Diagnostic(location, message)) }

    /// Every diagnostic, by position, once: an alias repeating a bad value would report it again at
    /// the anchor's place. Ties keep the order they were found in.
    var sortedDiagnostics: [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }.sortedByPosition()
    }

    /// `'probe.request'`, or `the drill file` for the top level.
    func describe(path: String) -> String { path.isEmpty ? "the \(kind) file" : "'\(path)'" }

    // MARK: - Collections

    /// Reads a mapping whose keys must fit `shape`, reporting unknown, duplicate and missing keys.
    func mapping(_ node: Node, path: String, shape: MappingShape) -> MappingFields? {
        guard let fields = anyMapping(node, path: path) else { return nil }
        for (name, key) in fields.keys where !shape.keys.contains(name) {
            let hint = Suggestion.hint(for: name, among: shape.keys, listing: "allowed keys are")
            error("unknown key '\(name)' in \(describe(path: path))\(hint)", at: key)
        }
        for name in shape.required where fields[name] == nil {
            error("missing required key '\(name)' in \(describe(path: path))", at: node)
        }
        return fields
    }

    /// Reads a mapping with free keys (headers, units, a JSON body), reporting duplicates.
    func anyMapping(_ node: Node, path: String) -> MappingFields? {
        guard case .mapping(let mapping) = node else {
            error("expected a mapping for \(describe(path: path)), found \(describe(node))", at: node)
            return nil
        }
        var keys: [(String, Node)] = []
        var values: [String: Node] = [:]
        var firstKeys: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key, !isNull(key) else {
                error("expected a key name in \(describe(path: path)), found \(describe(key))", at: key)
                continue
            }
            let name = document.keyName(of: scalar.string)
            if let first = firstKeys[name] {
                error(
                    "duplicate key '\(name)' in \(describe(path: path)); first given at line \(location(of: first).line)",
                    at: key)
                continue
            }
            keys.append((name, key))
            values[name] = value
            firstKeys[name] = key
        }
        return MappingFields(path: path, keys: keys, values: values)
    }

    /// Reads a list; `nonEmpty` reports an empty one.
    func list(_ node: Node, path: String, nonEmpty: Bool = false) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error("expected a list for \(describe(path: path)), found \(describe(node))", at: node)
            return nil
        }
        let items = Array(sequence)
        if nonEmpty, items.isEmpty {
            error("\(describe(path: path)) must not be empty", at: node)
            return nil
        }
        return items
    }

    /// `status: 200` or `status: [200, 204]`: one scalar or a list of them.
    func oneOrMany(_ node: Node, path: String) -> [Node]? {
        if case .sequence = node { return list(node, path: path, nonEmpty: true) }
        return [node]
    }

    // MARK: - Describing values

    /// `'abc'`, `the string '5'`, `nothing`, `a mapping`, `a list`: what was found instead.
    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if isNull(node) { return "nothing" }
            let shown = Template.redactingSecrets(scalar.string)
            let text = shown.count > 40 ? String(shown.prefix(40)) + "..." : shown
            return isPlain(node) ? "'\(text)'" : "the string '\(text)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// A scalar written without quotes or tag, so YAML gives it a type (`5`, `true`, `~`).
    func isPlain(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && scalar.tag.rawValue == Tag.Name.implicit.rawValue
    }

    /// `key:` with no value, `~` or `null`.
    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, isPlain(node) || scalar.tag.rawValue == Tag.Name.null.rawValue else {
            return false
        }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}

/// The entries of one mapping, by key, as the file spells them.
struct MappingFields {
    let path: String
    /// Keys in file order, each with its node (for locations).
    let keys: [(String, Node)]
    let values: [String: Node]

    subscript(_ key: String) -> Node? { values[key] }

    /// The node of `key` itself (where a key that does not belong is reported), or nil.
    func keyNode(_ key: String) -> Node? { keys.first { $0.0 == key }?.1 }

    /// `probe.request` for the child `request` of `probe`.
    func path(_ child: String) -> String { path.isEmpty ? child : "\(path).\(child)" }
}
