import GameDayRuntime

extension FakeCluster {
    /// A unit's `kubernetes:` settings for this cluster, as one line of flow YAML for a target file:
    /// its namespace, context, kubeconfig and kubectl, and the images asked for.
    public func kubernetesSettings(toolsImage: String? = nil, debugImage: String? = nil) -> String {
        let images = [toolsImage.map { "tools_image: \($0)" }, debugImage.map { "debug_image: \($0)" }]
            .compactMap { $0 }
        return "{ "
            + ([
                "namespace: \(namespace)", "context: \(Self.context)", "kubeconfig: \(kubeconfig)",
                "kubectl: \(kubectl)",
            ] + images).joined(separator: ", ") + " }"
    }
}

extension FakeCluster {
    /// The host pids of the processes of `container` in `pod` whose command line is exactly `argv`
    /// (an app under a shell, without the shell).
    public func hostPIDs(pod: String, container: String, argv: [String]) -> [Int32] {
        let table = ProcessTable()
        return hostPIDs(pod: pod, container: container).filter { table.arguments(of: $0) == argv }
    }

    /// The same, in every pod with `labels`.
    public func hostPIDs(labels: [String: String], container: String, argv: [String]) -> [Int32] {
        pods(labels: labels).flatMap { hostPIDs(pod: $0.name, container: container, argv: argv) }
    }
}
