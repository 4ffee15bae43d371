/// A command template rendered for running, with a redacted copy for output and archives.
public struct RenderedCommand: Sendable {
    public var argv: [String]
    /// The same argv with every secret replaced by `***`.
    public var display: [String]

    public init(_ template: CommandTemplate, context: TemplateContext) throws(TemplateError) {
        var argv: [String] = []
        var display: [String] = []
        for argument in template.argv {
            let rendered = try argument.render(context)
            argv.append(rendered.value)
            display.append(rendered.redacted)
        }
        self.argv = argv
        self.display = display
    }

    /// `tool 'an argument' other`: shell-quoted where needed, for reading only (it is never run so).
    public static func summary(_ argv: [String]) -> String {
        argv.map { argument in
            let plain =
                !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=@,+%*".contains($0) }
            return plain ? argument : "'" + argument.replacing("'", with: "'\\''") + "'"
        }
        .joined(separator: " ")
    }
}

/// A command as it ran, shown and archived: secrets redacted, output kept short.
public struct CommandRecord: Sendable, Hashable, Codable {
    public var argv: [String]
    public var exitCode: Int32?
    public var timedOut: Bool
    /// The end of its stdout and stderr, secrets removed: kept when the call failed, so the SRE sees why.
    public var stdout: String?
    public var stderr: String?

    public init(argv: [String], exitCode: Int32? = nil, timedOut: Bool = false) {
        self.argv = argv
        self.exitCode = exitCode
        self.timedOut = timedOut
    }

    enum CodingKeys: String, CodingKey {
        case argv, exitCode = "exit_code", timedOut = "timed_out", stdout, stderr
    }

    /// How much of each stream is kept.
    public static let outputLimit = 4096

    /// The last `outputLimit` characters of `text`, redacted.
    public static func tail(_ text: String, redact: (String) -> String) -> String? {
        let clean = redact(text)
        guard !clean.isEmpty else { return nil }
        return clean.count > outputLimit ? "…" + String(clean.suffix(outputLimit)) : clean
    }
}
