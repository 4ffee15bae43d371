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
