extension StarterFiles {
    /// The environment variable the starter target reads the control plane's token from.
    public static let tokenVariable = "GAMEDAY_CONTROL_PLANE_TOKEN"

    /// `target.yaml`.
    public var target: String {
        var lines = [
            "# A starter target written by `gameday init` from what the running system answered.",
            "# Lines marked TODO are what only you know; `gameday validate` checks the rest. The README's",
            "# \"Drill and target files\", schemas/target.schema.json and examples/targets/ say what each key takes.",
            "target: \(Self.slug(settings.targetName))  # TODO: a name for this environment",
            "gateway:",
            "  # GET \(settings.gatewayURL): \(findings.gateway)",
            "  url: \(Self.quoted(settings.gatewayURL))",
            "control_plane:",
        ]
        lines += controlPlaneLines
        lines += ["routing:"] + routingLines.map { "  " + $0 }
        lines.append("units:")
        lines += [
            "  # TODO: where each unit's services run. As written, on this host; on SSH hosts, add 'ssh:' to the unit",
            "  # and 'hosts:' to the service; in Kubernetes, 'kubernetes:' and 'pods:' (see examples/targets/).",
        ]
        let service = Self.scalar(settings.service)
        for (index, unit) in units.enumerated() {
            lines += ["  \(Self.scalar(unit)):", "    services:", "      \(service):"]
            if index == 0 {
                lines += [
                    "        # TODO: how gameday finds \(settings.service)'s process: { pid_file: PATH }, { name: NAME } as",
                    "        # pidof sees it, { cmdline: TEXT } or { port: N } it listens on. This name is a guess.",
                    "        process: { name: \(service) }",
                    "        # TODO: the command that starts \(settings.service) again after a drill killed it, an argv (never a",
                    "        # shell string); then remove 'restart: false' from the drill's fault.",
                    "        # restart: [systemctl, start, \(settings.service).service]",
                ]
            } else {
                lines += [
                    "        process: { name: \(service) }  # TODO: as for \(units[0])",
                    "        # restart: [systemctl, start, \(settings.service).service]  # TODO: as for \(units[0])",
                ]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Control plane

    private var controlPlaneLines: [String] {
        var lines: [String] = []
        let answer = findings.controlPlane
        switch answer {
        case .answered: lines.append("  # GET \(settings.controlPlaneURL) without credentials: \(answer)")
        case .unreachable: lines.append("  # TODO: check this URL: GET \(settings.controlPlaneURL) \(answer)")
        }
        lines.append("  url: \(Self.quoted(settings.controlPlaneURL))")
        if findings.controlPlaneNeedsToken {
            lines += [
                "  # TODO: it refused a request without credentials (\(answer.status ?? 0)), so it needs a token: gameday",
                "  # reads it from this environment variable (or { file: PATH }, relative to this file), sends it where",
                "  # the drill says {{control_plane.token}}, and never prints or archives it.",
            ]
        } else {
            lines += [
                "  # TODO: whether the control plane's API needs a token cannot be told from its answer. gameday reads",
                "  # one from this environment variable (or { file: PATH }) and never prints or archives it; if the API",
                "  # needs none, remove this line and the drill's Authorization headers.",
            ]
        }
        lines += [
            "  token: { env: \(Self.tokenVariable) }",
            "  # TODO: a request that needs the token and changes nothing; the preflight sends it before any fault,",
            "  # and a 401 or 403 stops the run there. Such as:",
            #"  # check: { url: "{{control_plane.url}}/v1/rules", headers: { Authorization: "Bearer {{control_plane.token}}" } }"#,
        ]
        return lines
    }

    // MARK: - Routing

    private var routingLines: [String] {
        var lines = ["key: \(Self.scalar(settings.keyParameter))", "modulo: \(settings.modulo)"]
        let asked = findings.samples.map { answer in "\(answer.key) → \(answer.unit ?? "no unit")" }
        lines.append("# Asked through the gateway (\(settings.keyParameter) % \(settings.modulo) picks the slot):")
        lines.append("#   " + asked.joined(separator: ", "))
        if let guess {
            let exact = guess.boundaries.filter(\.isExact)
            if !exact.isEmpty {
                lines.append(
                    "# and, asking \(findings.boundaryProbes.count) more keys, where the units meet: "
                        + exact.map(\.description).joined(separator: "; "))
            }
            lines.append("# TODO: check these ranges against the gateway's configuration: they are inferred from the")
            lines.append("# keys above, and a range between two of them would not show. The modulo is assumed.")
            for boundary in guess.uncertain {
                lines.append(
                    "# TODO: \(boundary.lowerUnit) ends and \(boundary.upperUnit) begins somewhere in "
                        + "\(boundary.lower + 1)~\(boundary.upper) (\(boundary)); the ranges put it at \(boundary.upper)."
                )
            }
            lines.append("# The preflight sends keys of every range through the gateway and stops the run, before any")
            lines.append("# fault, if one is served elsewhere than these ranges say.")
        } else {
            lines.append("# As --routing gave them; every key asked was served where they say.")
        }
        let ranges = ranges.map { range in
            "  - { from: \(range.from), to: \(range.to), unit: \(Self.scalar(range.destination.unit ?? "")) }"
        }
        return lines + ["ranges:"] + ranges
    }
}
