/// Renders `D/target.yaml`: the lab as a target file the runner reads like any other environment.
public struct LabTargetFile: Sendable {
    public var manifest: LabManifest

    public init(manifest: LabManifest) {
        self.manifest = manifest
    }

    /// The YAML text. Paths are absolute so the file works from any directory.
    public var yaml: String {
        var lines = [
            "target: lab",
            "gateway: { url: \(quoted(manifest.gatewayURL)) }",
            "control_plane:",
            "  url: \(quoted(manifest.controlPlaneURL))",
            manifest.tokenSource == "env"
                ? "  token: { env: \(LabToken.environmentVariable) }"
                : "  token: { file: \(scalar(manifest.tokenFile)) }",
            // A request that needs the token and changes nothing: a wrong token stops the preflight.
            #"  check: { url: "{{control_plane.url}}/v1/rules", headers: { Authorization: "Bearer {{control_plane.token}}" } }"#,
        ]
        lines += routing
        lines.append("units:")
        for unit in manifest.layout.units {
            lines.append("  \(unit):")
            // Network faults of this unit run in its namespace (`ip netns exec`), and only there.
            if let namespace = manifest.namespace(ofUnit: unit) { lines.append("    netns: \(namespace.name)") }
            lines.append("    services:")
            // The storefront first: it is what users reach, product and cart are its dependencies;
            // then the order service, which the RPO canaries write to.
            for role in [LabRole.storefront, .product, .cart, .order] {
                guard let service = manifest.service(named: role.serviceName(unit: unit)) else { continue }
                lines.append("      \(role.rawValue): \(entry(for: service))")
            }
            if let proxy = manifest.faultProxies?[unit] {
                lines.append("    proxy: { url: \(quoted(proxy.adminURL)) }")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rule the lab's control plane starts with (`LabRouting.baseline`), as the target's `routing:`.
    private var routing: [String] {
        let rule = LabRouting.baseline(units: manifest.layout.units)
        let ranges = rule.ranges.map { "{ from: \($0.from), to: \($0.to), unit: \($0.unit) }" }
        return [
            "routing:", "  key: \(rule.key)", "  modulo: \(rule.modulo)",
            "  ranges: [\(ranges.joined(separator: ", "))]",
        ]
    }

    private func entry(for service: LabManifest.Service) -> String {
        let restart =
            [quoted(manifest.executable)]
            + ["lab", "restart-service", "--run-dir", manifest.runDirectory, "--service", service.name].map(scalar)
        return "{ process: { pid_file: \(scalar(service.pidFile)) }, restart: [\(restart.joined(separator: ", "))], "
            + "health: \(quoted(service.healthURL)), port: \(service.port) }"
    }

    /// A plain scalar when that is unambiguous in a flow collection, else a double-quoted one.
    private func scalar(_ text: String) -> String {
        let plain = !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) }
        return plain ? text : quoted(text)
    }

    private func quoted(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }
}
