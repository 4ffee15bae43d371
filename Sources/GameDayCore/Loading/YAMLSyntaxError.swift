import Yams

/// Turns a Yams `YamlError` into one diagnostic a person can read: where, and what libyaml
/// expected, without the raw dump of the whole document that `YamlError.description` carries.
enum YAMLSyntaxError {
    static func diagnostic(for error: YamlError, text: String, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return Diagnostic(at(mark), message(problem: problem, context: context))
        case .reader(let problem, let offset, _, _):
            let place = offset.map { position(ofCharacter: $0, in: text) } ?? (line: 1, column: 1)
            return Diagnostic(
                SourceLocation(file: file, line: place.line, column: place.column),
                "invalid YAML: \(problem); the file must be UTF-8 text without control characters")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return Diagnostic(at(context.mark), "duplicate key \(names)")
        default:
            return Diagnostic(SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")
        }
    }

    /// `could not find expected ':' (while scanning a simple key at line 3, column 1)`
    private static func message(problem: String, context: YamlError.Context?) -> String {
        if problem == "but found another document" {
            return "invalid YAML: a file holds one document, but a second one starts here"
        }
        guard let context, !context.text.isEmpty else { return "invalid YAML: \(problem)" }
        return "invalid YAML: \(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
    }

    /// 1-based line and column (in Unicode scalars, as libyaml counts) of the character at `offset`.
    private static func position(ofCharacter offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for (index, character) in text.enumerated() {
            if index == offset { break }
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        return (line, column)
    }
}
