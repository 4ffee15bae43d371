/// How the runner speaks to a control plane: a templated HTTP request, or a command (a vendor's CLI).
public enum ControlPlaneCall: Sendable, Hashable {
    case request(RequestTemplate)
    case command(CommandTemplate)

    /// Every template of the call, for the validator.
    public var templates: [Template] {
        switch self {
        case .request(let request): [request.url] + request.headers.map(\.value) + (request.body?.templates ?? [])
        case .command(let command): command.argv
        }
    }

    /// Where the call is written, for diagnostics.
    public var location: SourceLocation? {
        switch self {
        case .request(let request): request.location
        case .command(let command): command.location
        }
    }

    /// `request` or `command`, for messages.
    public var kind: String {
        switch self {
        case .request: "request"
        case .command: "command"
        }
    }
}

/// `command: [argv…]` whose arguments may hold `{{drill.values}}` and `${ENV}` secrets; never a
/// shell string. `argv[0]` is a name looked up in PATH, or a path (a relative one was resolved
/// against the drill file's folder when it was read).
public struct CommandTemplate: Sendable, Hashable {
    public var argv: [Template]
    public var location: SourceLocation?

    public init(argv: [Template], location: SourceLocation? = nil) {
        self.argv = argv
        self.location = location
    }
}
