import Foundation
import Yams

/// Loads drill and target files strictly: unknown keys, wrong types and missing values are all
/// reported at once, each with the file, line and column it was found at.
///
/// Parsing is pure; reading goes through a `FileSystem` (the runtime adds `loadDrill(path:)` and
/// `loadTarget(path:)` that read the disk).
///
/// Both kinds of file take `Variables`: each `{{vars.NAME}}` is filled in before the file is read
/// (`VariableSubstitution`), and `usage` collects the names used so the caller, who knows every file
/// read with the same variables (a drill and its target; a game day's drills), reports the unused
/// ones (`Variables.unused`).
public enum DrillLoader {
    /// Reads the drill file at `path` from `files` and parses it.
    public static func loadDrill(path: String, from files: any FileSystem) throws(DiagnosticsError) -> Drill {
        var usage = VariableUsage()
        return try loadDrill(path: path, variables: Variables(), usage: &usage, from: files)
    }

    /// Reads the drill file at `path` from `files` and parses it with `variables` filled in.
    public static func loadDrill(
        path: String, variables: Variables, usage: inout VariableUsage, from files: any FileSystem
    ) throws(DiagnosticsError) -> Drill {
        try parseDrill(yaml: read(path, from: files, usage: &usage), file: path, variables: variables, usage: &usage)
    }

    /// Parses a drill from YAML text; `file` names it in diagnostics.
    public static func parseDrill(yaml: String, file: String) throws(DiagnosticsError) -> Drill {
        var usage = VariableUsage()
        return try parseDrill(yaml: yaml, file: file, variables: Variables(), usage: &usage)
    }

    /// Parses a drill from YAML text with `variables` filled in; `usage` gains the names it used.
    public static func parseDrill(
        yaml: String, file: String, variables: Variables, usage: inout VariableUsage
    ) throws(DiagnosticsError) -> Drill {
        try parse(yaml, file: file, kind: "drill", variables: variables, usage: &usage) {
            DrillReader(reader: $0).drill($1)
        }
    }

    /// Reads the target file at `path` from `files` and parses it; relative paths in it are
    /// resolved against its directory.
    public static func loadTarget(path: String, from files: any FileSystem) throws(DiagnosticsError) -> Target {
        var usage = VariableUsage()
        return try loadTarget(path: path, variables: Variables(), usage: &usage, from: files)
    }

    /// Reads the target file at `path` from `files` and parses it with `variables` filled in.
    public static func loadTarget(
        path: String, variables: Variables, usage: inout VariableUsage, from files: any FileSystem
    ) throws(DiagnosticsError) -> Target {
        try parseTarget(yaml: read(path, from: files, usage: &usage), file: path, variables: variables, usage: &usage)
    }

    /// Parses a target from YAML text; `file` names it in diagnostics and anchors its relative paths.
    public static func parseTarget(yaml: String, file: String) throws(DiagnosticsError) -> Target {
        var usage = VariableUsage()
        return try parseTarget(yaml: yaml, file: file, variables: Variables(), usage: &usage)
    }

    /// Parses a target from YAML text with `variables` filled in; `usage` gains the names it used.
    public static func parseTarget(
        yaml: String, file: String, variables: Variables, usage: inout VariableUsage
    ) throws(DiagnosticsError) -> Target {
        try parse(yaml, file: file, kind: "target", variables: variables, usage: &usage) {
            TargetReader(reader: $0).target($1)
        }
    }

    // MARK: - Reading and parsing, shared with the other files' loaders (var files, game days)

    /// `read`, noting in `usage` that a file that could not be read may have used any variable.
    static func read(_ path: String, from files: any FileSystem, usage: inout VariableUsage) throws(DiagnosticsError)
        -> String
    {
        do throws(DiagnosticsError) {
            return try read(path, from: files)
        } catch {
            usage.isComplete = false
            throw error
        }
    }

    static func read(_ path: String, from files: any FileSystem) throws(DiagnosticsError) -> String {
        let start = SourceLocation(file: path, line: 1, column: 1)
        let data: Data
        do throws(FileProblem) {
            data = try files.contents(of: path)
        } catch let problem {
            let message =
                switch problem {
                case .missing: "the file \(problem); check the path"
                case .permissionDenied: "the file \(problem); run gameday as a user who may read it, or change its mode"
                case .directory: "this \(problem); name a drill or target file"
                case .notUTF8, .other: "the file \(problem); check that it is a drill or target file"
                }
            throw DiagnosticsError([Diagnostic(start, message)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DiagnosticsError([Diagnostic(start, "the file is not UTF-8 text; save it as UTF-8")])
        }
        return text
    }

    static func parse<Value>(
        _ yaml: String, file: String, kind: String, variables: Variables, usage: inout VariableUsage,
        read: (NodeReader, Node) -> Value?
    ) throws(DiagnosticsError) -> Value {
        let start = SourceLocation(file: file, line: 1, column: 1)
        let hint = "a \(kind) file starts with '\(kind): NAME'"
        let composed: YAMLDocument
        do throws(DiagnosticsError) {
            composed = try YAMLDocument.compose(yaml, file: file)
        } catch {
            usage.isComplete = false
            throw error
        }
        var substitution = VariableSubstitution(document: composed, text: yaml, variables: variables)
        let document = substitution.apply()
        usage.names.formUnion(substitution.used)
        guard let root = document.root else {
            throw DiagnosticsError([Diagnostic(start, "the file is empty; \(hint)")])
        }
        let reader = NodeReader(document: document, kind: kind)
        guard case .mapping = root else {
            let found = reader.describe(root)
            throw DiagnosticsError([
                Diagnostic(reader.location(of: root), "expected a mapping at the top level, found \(found); \(hint)")
            ])
        }
        let value = read(reader, root)
        // A reference not filled in is the problem; what a reader says of its scalar adds nothing.
        let readerProblems = reader.diagnostics.filter { !substitution.unfilled.contains($0.location) }.map(
            substitution.explaining)
        var seen = Set<Diagnostic>()
        let diagnostics = (substitution.diagnostics + readerProblems).filter { seen.insert($0).inserted }
            .sortedByPosition()
        guard diagnostics.isEmpty, let value else {
            throw DiagnosticsError(
                diagnostics.isEmpty ? [Diagnostic(start, "the \(kind) could not be read")] : diagnostics)
        }
        return value
    }
}
