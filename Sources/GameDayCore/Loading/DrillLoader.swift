import Foundation
import Yams

/// Loads drill and target files strictly: unknown keys, wrong types and missing values are all
/// reported at once, each with the file, line and column it was found at.
///
/// Parsing is pure; reading goes through a `FileSystem` (the runtime adds `loadDrill(path:)` and
/// `loadTarget(path:)` that read the disk).
public enum DrillLoader {
    /// Reads the drill file at `path` from `files` and parses it.
    public static func loadDrill(path: String, from files: any FileSystem) throws(DiagnosticsError) -> Drill {
        try parseDrill(yaml: read(path, from: files), file: path)
    }

    /// Parses a drill from YAML text; `file` names it in diagnostics.
    public static func parseDrill(yaml: String, file: String) throws(DiagnosticsError) -> Drill {
        try parse(yaml, file: file, kind: "drill") { DrillReader(reader: $0).drill($1) }
    }

    /// Reads the target file at `path` from `files` and parses it; relative paths in it are
    /// resolved against its directory.
    public static func loadTarget(path: String, from files: any FileSystem) throws(DiagnosticsError) -> Target {
        try parseTarget(yaml: read(path, from: files), file: path)
    }

    /// Parses a target from YAML text; `file` names it in diagnostics and anchors its relative paths.
    public static func parseTarget(yaml: String, file: String) throws(DiagnosticsError) -> Target {
        try parse(yaml, file: file, kind: "target") { TargetReader(reader: $0).target($1) }
    }

    // MARK: - Private

    private static func read(_ path: String, from files: any FileSystem) throws(DiagnosticsError) -> String {
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

    private static func parse<Value>(
        _ yaml: String, file: String, kind: String, read: (NodeReader, Node) -> Value?
    ) throws(DiagnosticsError) -> Value {
        let start = SourceLocation(file: file, line: 1, column: 1)
        let hint = "a \(kind) file starts with '\(kind): NAME'"
        let document = try YAMLDocument.compose(yaml, file: file)
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
        let diagnostics = reader.sortedDiagnostics
        guard diagnostics.isEmpty, let value else {
            throw DiagnosticsError(
                diagnostics.isEmpty ? [Diagnostic(start, "the \(kind) could not be read")] : diagnostics)
        }
        return value
    }
}
