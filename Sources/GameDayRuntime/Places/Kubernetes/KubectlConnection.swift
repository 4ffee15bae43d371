/// How to reach one cluster: the kubectl binary, and optionally a kubeconfig file and a context.
///
/// Every value goes into argv as `--flag=value`, one argument, so even a value that slipped past
/// validation could not become an option of its own.
public struct KubectlConnection: Sendable, Hashable, Codable {
    /// The kubectl binary: a path, or a name looked up on `PATH`.
    public let program: String
    /// `--kubeconfig=`: kubectl's default (`KUBECONFIG`, `~/.kube/config`) when `nil`.
    public let kubeconfig: String?
    /// `--context=`: the kubeconfig's current context when `nil`.
    public let context: KubeContext?

    public init(program: String = "kubectl", kubeconfig: String? = nil, context: KubeContext? = nil)
        throws(KubernetesError)
    {
        self.program = try Self.checkedPath(program, what: "kubectl path")
        self.kubeconfig = try kubeconfig.map { path throws(KubernetesError) in
            try Self.checkedPath(path, what: "kubeconfig path")
        }
        self.context = context
    }

    /// `kubectl [--kubeconfig=PATH] [--context=NAME]`: the start of every command line.
    public var prefix: [String] {
        [program] + (kubeconfig.map { ["--kubeconfig=\($0)"] } ?? []) + (context.map { ["--context=\($0)"] } ?? [])
    }

    /// The context's name for executor names and messages: `default` when kubeconfig decides.
    public var contextName: String { context?.value ?? "default" }

    /// Paths are letters, digits and `_ . / + @ -`, not starting with `-`: no `~` (no shell expands
    /// it), no spaces, nothing a shell or kubectl's flag parser would read differently.
    static func checkedPath(_ path: String, what: String) throws(KubernetesError) -> String {
        let allowed = Set("_./+@-".utf8)
        guard let first = path.utf8.first, first != UInt8(ascii: "-"), path.utf8.count <= 4096,
            path.utf8.allSatisfy({ NameRule.isAlphanumeric($0) || allowed.contains($0) })
        else {
            throw .invalidValue(
                what: what, value: path,
                expected: "a path of letters, digits, '_', '.', '/', '+', '@' or '-', not starting with '-'")
        }
        return path
    }

    private enum CodingKeys: String, CodingKey { case program, kubeconfig, context }

    // Decoding validates like the initialiser: a target file cannot smuggle an option in.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            program: try container.decodeIfPresent(String.self, forKey: .program) ?? "kubectl",
            kubeconfig: try container.decodeIfPresent(String.self, forKey: .kubeconfig),
            context: try container.decodeIfPresent(KubeContext.self, forKey: .context))
    }
}
