/// A place in a source file, 1-based.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `drills/x.yaml:12:5`; a place outside any file (a command-line argument such as `--var unit=…`)
    /// has line 0 and is its name alone.
    public var description: String { line == 0 ? file : "\(file):\(line):\(column)" }
}

/// One problem found in an input file, with where it is.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var location: SourceLocation
    public var severity: Severity
    public var message: String

    public init(_ location: SourceLocation, _ message: String, severity: Severity = .error) {
        self.location = location
        self.severity = severity
        self.message = message
    }

    /// `drills/x.yaml:12:5: error: unknown key 'intreval' (did you mean 'interval'?)`
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Every problem of one or more files, reported together.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
