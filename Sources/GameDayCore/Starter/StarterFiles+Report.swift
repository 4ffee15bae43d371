extension StarterFiles {
    /// What `gameday init` prints: what the system answered, the files written and what to do next.
    public func report(targetPath: String, drillPath: String) -> [String] {
        var lines = ["gateway \(settings.gatewayURL): GET \(findings.gateway)"]
        for answer in findings.samples {
            let status = answer.response.map { String($0.status) } ?? "no answer"
            lines.append("  \(settings.keyParameter)=\(answer.key): \(status), \(answer.unit ?? "no unit named")")
        }
        lines.append("  the serving unit: \(unitSource) (units \(units.joined(separator: ", ")))")
        let routing = ranges.map { "\($0.from)~\($0.to) → \($0.destination)" }.joined(separator: ", ")
        if let guess {
            let uncertain = guess.uncertain.count
            lines.append(
                "  routing: \(routing) (inferred, \(findings.boundaryProbes.count) more keys asked"
                    + (uncertain == 0 ? ")" : "; \(uncertain) boundar\(uncertain == 1 ? "y" : "ies") left to check)"))
        } else {
            lines.append("  routing: \(routing) (as --routing gave it; every key asked agrees)")
        }
        lines.append("control plane \(settings.controlPlaneURL): GET without credentials \(findings.controlPlane)")
        if findings.controlPlaneNeedsToken {
            lines.append("  it needs a token: the target reads it from $\(Self.tokenVariable)")
        }
        let todos = [target, drill].map { $0.components(separatedBy: "TODO:").count - 1 }
        lines += [
            "wrote \(targetPath) (\(todos[0]) TODOs) and \(drillPath) (\(todos[1]) TODOs): a drill killing "
                + "\(settings.service) in \(faulted.unit), cutting user \(faulted.key) over to \(recoveryUnit)",
            "next:",
            "  1. fill in the TODOs: grep -n TODO \(targetPath) \(drillPath)",
            "  2. gameday validate \(drillPath) --target \(targetPath)",
            "  3. gameday plan \(drillPath) --target \(targetPath)",
            "  4. export \(Self.tokenVariable)=…; gameday run \(drillPath) --target \(targetPath)",
        ]
        return lines
    }
}
