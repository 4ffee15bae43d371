/// What starts the cut-over once the observe phase has ended (`cutover.trigger`): the runner at
/// once, an operator at the terminal, or a decision from outside (a file, an HTTP call).
public struct CutoverTrigger: Sendable, Hashable {
    /// `trigger: auto | prompt | external`.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// The runner cuts over as soon as the observe phase ends (the default).
        case auto
        /// The operator at the terminal confirms (`y`, Enter) or declines (`n`, `a`).
        case prompt
        /// A file appears (`trigger_file`) or `POST http://127.0.0.1:PORT/cutover` arrives (`trigger_port`).
        case external
    }

    public var mode: Mode
    /// `trigger_timeout: 10m` — with no decision by then, the run is aborted and everything reverted.
    public var timeout: Duration
    /// `trigger_file: decisions/go` — absolute, or resolved against the drill file's folder.
    public var file: String?
    /// `trigger_port: 8787` — listened on at 127.0.0.1 only.
    public var port: Int?

    public static let defaultTimeout = Duration.seconds(600)

    public init(mode: Mode = .auto, timeout: Duration = defaultTimeout, file: String? = nil, port: Int? = nil) {
        self.mode = mode
        self.timeout = timeout
        self.file = file
        self.port = port
    }

    /// Whether someone other than the runner decides, so the run waits for it.
    public var waits: Bool { mode != .auto }

    /// The longest the run may wait for the decision.
    public var waitLimit: Duration { waits ? timeout : .zero }
}
