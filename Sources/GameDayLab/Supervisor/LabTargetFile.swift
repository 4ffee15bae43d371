import GameDayCore

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
            "gateway: { url: \(Self.quoted(manifest.gatewayURL)) }",
            "control_plane:",
            "  url: \(Self.quoted(manifest.controlPlaneURL))",
            manifest.tokenSource == "env"
                ? "  token: { env: \(LabToken.environmentVariable) }"
                : "  token: { file: \(scalar(manifest.tokenFile)) }",
            // A request that needs the token and changes nothing: a wrong token stops the preflight.
            #"  check: { url: "{{control_plane.url}}/v1/rules", headers: { Authorization: "Bearer {{control_plane.token}}" } }"#,
        ]
        if let prometheus = manifest.prometheus {
            // The lab's own Prometheus (`lab up --prometheus`), for drills' checks; it needs no credentials.
            lines += ["prometheus:", "  url: \(Self.quoted(prometheus.url))"]
        }
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
                lines.append("    proxy: { url: \(Self.quoted(proxy.adminURL)) }")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rule the lab's control plane starts with (`LabRouting.baseline`), as the target's `routing:`.
    private var routing: [String] {
        let rule = LabRouting.baseline(units: manifest.layout.units, model: manifest.effectiveRouting)
        return ["routing:"] + Self.routingLines(of: rule).map { "  " + $0 }
    }

    /// A rule as the lines of a target's `routing:` (without that key).
    static func routingLines(of rule: RoutingRule) -> [String] {
        func destination(_ destination: RouteDestination) -> String {
            switch destination {
            case .unit(let unit): "unit: \(unit)"
            case .shard(let shard): "shard: \(shard)"
            }
        }
        func number(_ value: Double) -> String {
            GeoPoint(lat: value, lng: 0).description.split(separator: ",")[0].description
        }
        var lines = ["key: \(rule.key)"]
        switch rule.model {
        case .modulo:
            lines.append("modulo: \(rule.modulo)")
        case .hash(let hash):
            lines += ["model: hash", "hash: \(hash.rawValue)", "modulo: \(rule.modulo)"]
        case .geo:
            lines.append("model: geo")
        case .match(let business):
            lines.append("model: \(business ? "business" : "regex")")
        }
        if !rule.ranges.isEmpty {
            let ranges = rule.ranges.map { "{ from: \($0.from), to: \($0.to), \(destination($0.destination)) }" }
            lines.append("ranges: [\(ranges.joined(separator: ", "))]")
        }
        if !rule.fences.isEmpty {
            lines.append("fences:")
            for fence in rule.fences {
                let corners = fence.polygon.map { "[\(number($0.lat)), \(number($0.lng))]" }
                lines.append("  - { name: \(fence.name), polygon: [\(corners.joined(separator: ", "))] }")
            }
        }
        if !rule.matches.isEmpty {
            lines.append("rules:")
            for match in rule.matches {
                let pattern: String
                switch match.pattern {
                case .exact(let text): pattern = "match: \(Self.quoted(text.hasPrefix("~") ? "\\" + text : text))"
                case .regex(let text, let caseInsensitive):
                    pattern = "match: \(Self.quoted((caseInsensitive ? "~*" : "~") + text))"
                case .prefix(let text): pattern = "prefix: \(Self.quoted(text))"
                case .suffix(let text): pattern = "suffix: \(Self.quoted(text))"
                }
                lines.append("  - { \(pattern), \(destination(match.destination)) }")
            }
        }
        if let fallback = rule.fallback { lines.append("default: { \(destination(fallback)) }") }
        if !rule.shards.isEmpty {
            let table = rule.shardNames.compactMap { shard in rule.shards[shard].map { "\(shard): \($0)" } }
            lines.append("shards: { \(table.joined(separator: ", ")) }")
        }
        return lines
    }

    private func entry(for service: LabManifest.Service) -> String {
        let restart =
            [Self.quoted(manifest.executable)]
            + ["lab", "restart-service", "--run-dir", manifest.runDirectory, "--service", service.name].map(scalar)
        return "{ process: { pid_file: \(scalar(service.pidFile)) }, restart: [\(restart.joined(separator: ", "))], "
            + "health: \(Self.quoted(service.healthURL)), port: \(service.port) }"
    }

    /// A plain scalar when that is unambiguous in a flow collection, else a double-quoted one.
    private func scalar(_ text: String) -> String {
        let plain = !text.isEmpty && text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+".contains($0) }
        return plain ? text : Self.quoted(text)
    }

    private static func quoted(_ text: String) -> String {
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
