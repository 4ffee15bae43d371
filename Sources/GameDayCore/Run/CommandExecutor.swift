/// What a command printed and how it ended.
public struct CommandOutput: Sendable, Hashable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut: Bool

    public init(exitCode: Int32, stdout: String = "", stderr: String = "", timedOut: Bool = false) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
    }

    /// The last line of stderr (or stdout), for error messages.
    public var lastLine: String {
        let text = stderr.isEmpty ? stdout : stderr
        return text.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
    }
}

/// Why a command could not run at all.
public struct CommandError: Error, Sendable, Hashable, CustomStringConvertible {
    public var argv: [String]
    public var message: String

    public init(argv: [String], message: String) {
        self.argv = argv
        self.message = message
    }

    public var description: String { "\(argv.first ?? "command"): \(message)" }
}

/// Where commands run: this host, later a network namespace or a host over SSH.
///
/// Commands are argv arrays built from validated values, never shell strings.
public protocol CommandExecutor: Sendable {
    /// A short name for output and archives: `local`, `netns:beijing`, `ssh:host`.
    var name: String { get }
    /// Runs `argv`; on timeout the whole process group is killed and `timedOut` is set.
    func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput
}
