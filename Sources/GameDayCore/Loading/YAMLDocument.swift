import Yams

/// A YAML text composed into a tree of Yams nodes, with 1-based positions for every node.
///
/// Yams' composer refuses a mapping with a duplicate key and names only the *first*
/// occurrence, which would stop us at the first duplicate with nothing else reported.
/// So each time it refuses, the first occurrence is renamed in the text to a sentinel
/// that cannot clash with a real key, and composing starts again. Readers map the sentinel
/// back to its name (`keyName(of:)`) and report the later occurrence as the duplicate.
/// Renaming changes the width of one token, so marks after it on its line are shifted back.
struct YAMLDocument {
    let file: String
    /// The top node; nil for an empty document (or one of comments only).
    let root: Node?
    private let renamedKeys: [String: String]
    private let shifts: [ColumnShift]

    /// A token of `line` ending after `column` grew by `delta` columns in the rewritten text.
    private struct ColumnShift {
        var line: Int
        var column: Int
        var delta: Int
    }

    private static let sentinelPrefix = "\u{2063}gameday-renamed-key-"
    private static let maxRenames = 200

    /// Composes `text`, or throws the one diagnostic that says why it is not YAML, or why its
    /// aliases expand too far (`AliasExpansion`).
    static func compose(_ text: String, file: String) throws(DiagnosticsError) -> YAMLDocument {
        let bytes = text.utf8.count
        guard bytes <= InputLimits.fileBytes else {
            throw DiagnosticsError([
                Diagnostic(
                    SourceLocation(file: file, line: 1, column: 1),
                    "the file is \(bytes) bytes, more than the \(InputLimits.fileBytes) a drill or target may be; "
                        + "check that this is the file you meant")
            ])
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
        var renamed: [String: String] = [:]
        var shifts: [ColumnShift] = []
        while true {
            let current = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
            let attempt: Attempt
            do {
                attempt = try composeBounded(current)
            } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
                let mark = context.mark
                let original = Self.originalPosition(line: mark.line, column: mark.column, shifts: shifts)
                let location = SourceLocation(file: file, line: original.line, column: original.column)
                let name = duplicates.first.map { renamed[$0] ?? Self.undoingPlaceholders($0) } ?? "?"
                let sentinel = "\(sentinelPrefix)\(renamed.count)"
                guard renamed.count < maxRenames,
                    let delta = rename(at: mark, in: &lines, to: "\"\\u2063gameday-renamed-key-\(renamed.count)\"")
                else {
                    throw DiagnosticsError([Diagnostic(location, "duplicate key '\(name)'")])
                }
                renamed[sentinel] = name
                shifts.append(ColumnShift(line: mark.line, column: mark.column, delta: delta))
                continue
            } catch let error as YamlError {
                var diagnostic = YAMLSyntaxError.diagnostic(for: error, text: current, file: file)
                let position = Self.originalPosition(
                    line: diagnostic.location.line, column: diagnostic.location.column, shifts: shifts)
                (diagnostic.location.line, diagnostic.location.column) = (position.line, position.column)
                throw DiagnosticsError([diagnostic])
            } catch {
                let start = SourceLocation(file: file, line: 1, column: 1)
                throw DiagnosticsError([Diagnostic(start, "invalid YAML: \(error)")])
            }
            switch attempt {
            case .composed(let root):
                return YAMLDocument(file: file, root: root, renamedKeys: renamed, shifts: shifts)
            case .overrun(let overrun):
                let position = Self.originalPosition(line: overrun.line, column: overrun.column, shifts: shifts)
                let location = SourceLocation(file: file, line: position.line, column: position.column)
                throw DiagnosticsError([Diagnostic(location, Self.message(for: overrun))])
            }
        }
    }

    private enum Attempt {
        case composed(Node?)
        case overrun(AliasExpansion.Overrun)
    }

    /// Composes `text` once its aliases are known to expand within `InputLimits.expandedNodes`.
    private static func composeBounded(_ text: String) throws -> Attempt {
        if let defanged = AliasExpansion.defanged(text),
            let overrun = AliasExpansion.overrun(in: try Yams.compose(yaml: defanged), defanged: defanged)
        {
            return .overrun(overrun)
        }
        return .composed(try Yams.compose(yaml: text))
    }

    private static func message(for overrun: AliasExpansion.Overrun) -> String {
        if let bytes = overrun.anchorBytes {
            let budget = InputLimits.expandedBytes
            let held = bytes > budget ? "more than \(budget)" : "\(bytes)"
            return
                "aliases expand this file to more than \(budget) bytes of text here ('*\(overrun.alias)' repeats the "
                + "\(held) bytes of '&\(overrun.alias)' at line \(overrun.anchorLine)); a drill or target needs far less: "
                + "write the values out, or reuse fewer of them"
        }
        let budget = InputLimits.expandedNodes
        let held = overrun.anchorValues > budget ? "more than \(budget)" : "\(overrun.anchorValues)"
        return
            "aliases expand this file to more than \(budget) values here ('*\(overrun.alias)' repeats the \(held) "
            + "values of '&\(overrun.alias)' at line \(overrun.anchorLine)); a drill or target needs far fewer: "
            + "write the values out, or reuse fewer of them"
    }

    /// A key name from the alias check's text, with its `*`s back.
    private static func undoingPlaceholders(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { $0 == AliasExpansion.placeholder ? "*" : $0 }))
    }

    /// The position of `node` in the original text.
    func location(of node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(file: file, line: 1, column: 1) }
        let position = Self.originalPosition(line: mark.line, column: mark.column, shifts: shifts)
        return SourceLocation(file: file, line: position.line, column: position.column)
    }

    /// The same document with another tree (its variables filled in): its marks still map to the text.
    func replacingRoot(_ root: Node?) -> YAMLDocument {
        YAMLDocument(file: file, root: root, renamedKeys: renamedKeys, shifts: shifts)
    }

    /// The key as the file spells it, undoing a rename.
    func keyName(of string: String) -> String { renamedKeys[string] ?? string }

    // MARK: - Rewriting

    /// Replaces the key token starting at `mark` by `replacement`; returns the change in width,
    /// or nil when the token is not a plain or quoted scalar on one line.
    private static func rename(at mark: Mark, in lines: inout [[Unicode.Scalar]], to replacement: String) -> Int? {
        let row = mark.line - 1
        let start = mark.column - 1
        guard lines.indices.contains(row), lines[row].indices.contains(start) else { return nil }
        let line = lines[row]
        guard let end = tokenEnd(in: line, from: start) else { return nil }
        let token = Array(replacement.unicodeScalars)
        lines[row].replaceSubrange(start..<end, with: token)
        return token.count - (end - start)
    }

    /// The end of the scalar token starting at `start`: a quoted string, or a plain word up to `:`.
    private static func tokenEnd(in line: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        switch line[start] {
        case "\"":
            while index < line.count {
                if line[index] == "\\" {
                    index += 2
                    continue
                }
                if line[index] == "\"" { return index + 1 }
                index += 1
            }
            return nil
        case "'":
            while index < line.count {
                if line[index] == "'" {
                    if index + 1 < line.count, line[index + 1] == "'" {
                        index += 2
                        continue
                    }
                    return index + 1
                }
                index += 1
            }
            return nil
        case "[", "]", "{", "}", ",", "?", "*", "&", "!", "|", ">", "#":
            return nil
        default:
            // A plain implicit key ends at ': ' (or ':' before the end of line or a flow indicator).
            while index < line.count {
                if line[index] == ":" {
                    let next = index + 1 < line.count ? line[index + 1] : " "
                    if [" ", "\t", "\r", ",", "}", "]"].contains(next) { return index }
                }
                index += 1
            }
            return nil
        }
    }

    private static func originalPosition(line: Int, column: Int, shifts: [ColumnShift]) -> (line: Int, column: Int) {
        var column = column
        for shift in shifts.reversed() where shift.line == line && column > shift.column {
            column -= shift.delta
        }
        return (line, column)
    }
}
