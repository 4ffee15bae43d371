import GameDayCore

/// Runs commands inside a network namespace: `ip netns exec NS argv...` through another executor.
///
/// `ip netns exec` replaces itself with the command, so the command keeps the process group
/// the base executor gave it and a timeout still kills everything it started.
public struct NetnsExecutor: CommandExecutor {
    public let namespace: NamespaceName
    /// Where `ip netns exec` itself runs: this host by default.
    public let base: any CommandExecutor

    public var name: String { "netns:\(namespace.name)" }

    public init(namespace: NamespaceName, base: any CommandExecutor = LocalExecutor()) {
        self.namespace = namespace
        self.base = base
    }

    /// Validates `namespace` first; throws a `NetworkFaultError` naming the bad value.
    public init(namespace: String, base: any CommandExecutor = LocalExecutor()) throws(NetworkFaultError) {
        self.init(namespace: try NamespaceName(namespace), base: base)
    }

    public func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput {
        guard !argv.isEmpty else { throw CommandError(argv: argv, message: "empty command") }
        return try await base.run(Self.wrap(argv, in: namespace), timeout: timeout)
    }

    /// `ip netns exec NS argv...`: the exact command line the base executor runs.
    public static func wrap(_ argv: [String], in namespace: NamespaceName) -> [String] {
        ["ip", "netns", "exec", namespace.name] + argv
    }
}
