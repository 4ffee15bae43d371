/// Values given with `--var NAME=VALUE` and `--var-file FILE.yaml`, filled into `{{vars.NAME}}`
/// wherever a drill or target file has it, when the file is read (`VariableSubstitution`).
///
/// Adding a variable of a name already given replaces it: var files in order, then `--var`s, so the
/// last one given wins.
public struct Variables: Sendable, Hashable {
    /// One variable and where it was given.
    public struct Variable: Sendable, Hashable {
        public var name: String
        public var value: String
        /// How a scalar that is only `{{vars.NAME}}` reads it: true as if the value were written there
        /// unquoted (`9300` an integer, `true` a boolean), false always as a string (a var file's
        /// `port: "9300"`).
        public var isTyped: Bool
        public var origin: Origin

        public init(name: String, value: String, isTyped: Bool = true, origin: Origin) {
            self.name = name
            self.value = value
            self.isTyped = isTyped
            self.origin = origin
        }

        /// Its name says it holds a secret (`Variables.isSecret`).
        public var isSecret: Bool { Variables.isSecret(name) }

        /// The value as it may be printed or archived: `***` for a secret.
        public var shownValue: String { isSecret ? RenderedString.mask : value }
    }

    /// Where a variable was given, for the error that says it is never used.
    public enum Origin: Sendable, Hashable {
        /// `--var NAME=VALUE` on the command line.
        case argument
        /// A key of a var file.
        case file(SourceLocation)
    }

    private var byName: [String: Variable] = [:]

    public init(_ variables: [Variable] = []) {
        for variable in variables { add(variable) }
    }

    /// Adds `variable`, replacing one of the same name.
    public mutating func add(_ variable: Variable) { byName[variable.name] = variable }

    public subscript(name: String) -> Variable? { byName[name] }

    public var isEmpty: Bool { byName.isEmpty }

    /// Every variable, by name.
    public var all: [Variable] { byName.values.sorted { $0.name < $1.name } }

    public var names: [String] { byName.keys.sorted() }

    /// Names and values as they may be shown (`plan`, `result.json`): a secret's value is `***`.
    public var shown: [String: String] { byName.mapValues(\.shownValue) }

    /// Letters, digits, `_` and `-` (ASCII), at least one.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
            }
    }

    /// A name that ends in `token`, `password`, `passwd`, `secret` or `credentials`, in any case
    /// (`api_token`, `DB_PASSWORD`, `secret`): its value is never printed or archived, and may only be
    /// used in request templates, where it is sent and shown as `***`.
    public static func isSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["token", "password", "passwd", "secret", "credential", "credentials"].contains { lowered.hasSuffix($0) }
    }

    /// One error for each variable no file read with `usage` used, where it was given; none when a
    /// file could not be read far enough to know what it uses.
    public func unused(_ usage: VariableUsage) -> [Diagnostic] {
        guard usage.isComplete else { return [] }
        return all.filter { !usage.names.contains($0.name) }.map { variable in
            Diagnostic(
                variable.origin.location(of: variable.name),
                "variable '\(variable.name)' is never used: no file has '{{vars.\(variable.name)}}'; "
                    + "remove it, or check the name where it should be used")
        }
    }
}

extension Variables.Origin: CustomStringConvertible {
    /// `--var unit=…` or `vars.yaml:3:1`; never the value, which may be a secret.
    public var description: String {
        switch self {
        case .argument: "--var"
        case .file(let location): location.description
        }
    }

    /// Where the error about `name` is reported: the var file's key, or the `--var` argument (as a
    /// location of no line, printed alone).
    public func location(of name: String) -> SourceLocation {
        switch self {
        case .argument: SourceLocation(file: "--var \(name)=…", line: 0, column: 0)
        case .file(let location): location
        }
    }
}

/// The `{{vars.NAME}}` the files read so far used, to find the variables none used
/// (`Variables.unused`). Pass the same one to every file read with the same variables.
public struct VariableUsage: Sendable, Hashable {
    public internal(set) var names: Set<String> = []
    /// False once a file was not YAML (or not read): what it uses is unknown, so no variable is
    /// reported unused.
    public internal(set) var isComplete = true

    public init() {}
}
