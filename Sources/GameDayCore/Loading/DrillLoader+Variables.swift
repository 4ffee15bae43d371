import Yams

extension DrillLoader {
    /// Reads a var file (`--var-file`) from `files`: a flat mapping `NAME: value`.
    public static func loadVariables(path: String, from files: any FileSystem) throws(DiagnosticsError)
        -> [Variables.Variable]
    {
        try parseVariables(yaml: read(path, from: files), file: path)
    }

    /// Parses a var file: a mapping of variable names to scalars, in file order. A plain value is
    /// typed where it is used alone (`port: 9300` fills `port: "{{vars.port}}"` as an integer); a
    /// quoted one is always a string. Every problem is reported, each at its key or value.
    public static func parseVariables(yaml: String, file: String) throws(DiagnosticsError) -> [Variables.Variable] {
        let document = try YAMLDocument.compose(yaml, file: file)
        // Comments only, or nothing: no variable.
        guard let root = document.root else { return [] }
        let reader = NodeReader(document: document, kind: "var")
        guard case .mapping = root else {
            let found = reader.describe(root)
            throw DiagnosticsError([
                Diagnostic(
                    reader.location(of: root),
                    "expected a mapping of variables at the top level (such as 'unit: beijing'), found \(found)")
            ])
        }
        let variables = Self.variables(in: root, path: "", reader: reader) ?? []
        let diagnostics = reader.sortedDiagnostics
        guard diagnostics.isEmpty else { throw DiagnosticsError(diagnostics) }
        return variables
    }

    /// The variables of a mapping `NAME: value` (a var file's top, a game day's `vars:`), each given
    /// at its key; every problem reported to `reader`.
    static func variables(in node: Node, path: String, reader: NodeReader) -> [Variables.Variable]? {
        guard let fields = reader.anyMapping(node, path: path) else { return nil }
        return fields.keys.compactMap { name, key in variable(name, key: key, value: fields[name], reader: reader) }
    }

    private static func variable(_ name: String, key: Node, value: Node?, reader: NodeReader) -> Variables.Variable? {
        guard Variables.isValidName(name) else {
            reader.error(
                "variable name '\(name)' may only hold letters, digits, '_' and '-' (such as 'unit' or 'api_token')",
                at: key)
            return nil
        }
        guard let value, case .scalar(let scalar) = value, !reader.isNull(value) else {
            let found = value.map(reader.describe) ?? "nothing"
            reader.error(
                "expected a value for variable '\(name)' (text, a number or true/false; \"\" for empty), found \(found)",
                at: value ?? key)
            return nil
        }
        return Variables.Variable(
            name: name, value: scalar.string, isTyped: reader.isPlain(value), origin: .file(reader.location(of: key)))
    }
}
