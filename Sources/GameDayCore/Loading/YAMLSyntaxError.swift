import Yams

/// Turns a Yams `YamlError` into one diagnostic a person can read: where, what is wrong in words,
/// and what to do, without the raw dump of the whole document that `YamlError.description` carries.
enum YAMLSyntaxError {
    /// How deep libyaml lets mappings and lists nest (its `MAX_NESTING_LEVEL`).
    static let maximumNesting = 1000

    static func diagnostic(for error: YamlError, text: String, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return Diagnostic(at(mark), message(problem: problem, context: context, at: mark, in: YAMLLines(text)))
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

    /// libyaml's words for the common mistakes, said as what to change; others as libyaml says them:
    /// `could not find expected ':' (while scanning a simple key at line 3, column 1)`.
    private static func message(problem: String, context: YamlError.Context?, at mark: Mark, in lines: YAMLLines)
        -> String
    {
        let found = lines.character(mark.line, mark.column)
        switch problem {
        case "but found another document":
            return "invalid YAML: a file holds one document, but a second one starts here"
        case "found character that cannot start any token" where found == "\t",
            "found a tab character where an indentation space is expected",
            "found a tab character that violates indentation":
            let indents = lines.prefix(mark.line, before: mark.column).allSatisfy { $0 == " " || $0 == "\t" }
            return indents
                ? "invalid YAML: a tab indents this line; YAML indents with spaces only, so replace the tab with spaces"
                : "invalid YAML: a tab separates values here; YAML takes spaces there, so replace the tab with a space"
        case "found character that cannot start any token":
            let character = found.map { "'\($0)'" } ?? "this character"
            return "invalid YAML: \(character) cannot start a value; put the value in quotes"
        case _ where problem.hasPrefix("Maximum nesting level reached"):
            return
                "invalid YAML: mappings and lists nest more than \(maximumNesting) levels deep here; "
                + "a drill or target needs a few levels, so flatten them"
        case "found undefined alias":
            let name = aliasName(at: mark, in: lines)
            return
                "invalid YAML: alias '*\(name)' names no anchor defined before it; "
                + "put '&\(name)' on an earlier value, or write the value out"
        case "found unexpected end of stream" where context?.text == "while scanning a quoted scalar":
            let start = context.map { " that starts at line \($0.mark.line), column \($0.mark.column)" } ?? ""
            return "invalid YAML: the quoted string\(start) is never closed; end it with the quote it starts with"
        case "mapping values are not allowed in this context":
            return
                "invalid YAML: ': ' cannot appear in this value; put the value in quotes, "
                + "or fix the indentation if a new key starts here"
        default:
            guard let context, !context.text.isEmpty else { return "invalid YAML: \(problem)" }
            return
                "invalid YAML: \(problem) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
    }

    /// The name after the `*` at `mark`.
    private static func aliasName(at mark: Mark, in lines: YAMLLines) -> String {
        var name = String.UnicodeScalarView()
        var column = mark.column + 1
        while let scalar = lines.character(mark.line, column), !" \t,]}".unicodeScalars.contains(scalar) {
            name.append(scalar)
            column += 1
        }
        return String(name)
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
