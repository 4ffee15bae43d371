import GameDayCore

/// The end-of-run summary: verdicts, RTO with its breakdown, users, faults, archive.
struct Summary {
    let result: RunResult
    let archivePath: String?

    func render() -> String {
        var lines: [String] = []
        lines.append(
            "\(result.drill.name) against \(result.target.name): \(result.outcome.rawValue.uppercased()) (exit \(result.exitCode))"
        )
        if let reason = result.reason, result.outcome != .pass { lines.append("  why: \(reason)") }
        lines.append("  verdicts:")
        let width = result.verdicts.map(\.name.count).max() ?? 0
        for verdict in result.verdicts {
            let mark =
                switch verdict.status {
                case .pass: "PASS"
                case .fail: "FAIL"
                case .skipped: "SKIP"
                }
            lines.append("    \(mark)  \(verdict.name.rightPad(width))  \(verdict.message)")
        }
        if let rto = result.rto {
            if let measured = rto.measuredMs {
                let parts = [
                    ("detect", rto.detectMs), ("decide", rto.decideMs), ("switch", rto.switchMs),
                    ("converge", rto.convergeMs),
                ]
                .compactMap { name, value in value.map { "\(name) \(Self.ms($0))" } }
                lines.append(
                    "  RTO: \(Self.ms(measured)) (goal \(Self.ms(rto.goalMs)), \(rto.met ? "met" : "MISSED")): \(parts.joined(separator: ", "))"
                )
            } else {
                lines.append("  RTO: not measured (goal \(Self.ms(rto.goalMs)))")
            }
        }
        if let rpo = result.rpo {
            let observed = rpo.observedMs.map { Self.ms($0) } ?? "not measured"
            var text =
                "  RPO: \(observed) (goal \(Self.ms(rpo.goalMs)), \(rpo.met ? "met" : "MISSED")): \(rpo.lost) of \(rpo.acked) acknowledged canaries lost"
            if let blocked = rpo.writeBlockedMs { text += ", writes blocked for \(Self.ms(blocked))" }
            lines.append(text)
        }
        // Many users: one line per group instead of one per user.
        let many = result.users.count > 20
        if many, !result.groups.isEmpty { lines.append("  groups:") }
        for group in many ? result.groups : [] {
            var text =
                "    \(group.name) (\(group.users.count) users), expected impact \(group.expectedImpact): \(group.impacted) impacted, \(group.failures)/\(group.samples) probes failed"
            if let rto = group.rto?.measuredMs { text += ", RTO \(Self.ms(rto))" }
            lines.append(text)
        }
        if !many, !result.users.isEmpty { lines.append("  users:") }
        for user in many ? [] : result.users {
            var text =
                "    \(user.id) (\(user.name)) home \(user.home ?? "-"), expected impact \(user.expectedImpact): "
            if let first = user.firstFailureMs {
                text += "failed \(user.failures)/\(user.samplesDuringFault) probes from +\(Self.ms(first))"
                if let recovered = user.recoveredMs {
                    text += ", recovered at +\(Self.ms(recovered)) on \(user.servedAfter ?? "-")"
                }
            } else {
                text += "never failed (\(user.samples) probes)"
            }
            lines.append(text)
        }
        if !result.faults.isEmpty { lines.append("  faults:") }
        for fault in result.faults {
            lines.append(
                "    \(fault.plan.name) (\(fault.plan.kind) \(fault.plan.place)): \(fault.effect ?? "not applied") → \(fault.state)\(fault.revert.map { ": \($0)" } ?? "")"
            )
        }
        if let path = archivePath { lines.append("  result: \(path)") }
        return lines.joined(separator: "\n")
    }

    static func ms(_ value: Double) -> String { DurationText.format(.milliseconds(value.rounded())) }
}
