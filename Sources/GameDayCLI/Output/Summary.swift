import GameDayCore

/// The end-of-run summary: the verdicts as a table, the RTO against its goal with the breakdown,
/// the RPO, who was impacted (and who was not), what was reverted, and where the archive is.
struct Summary {
    let result: RunResult
    /// The archive directory, when the run was archived.
    let archive: String?
    var style: TerminalStyle = .plain

    func render() -> String {
        var lines: [String] = []
        let duration = result.durationMs.map { ", \(Self.ms($0))" } ?? ""
        lines.append(
            "\(style.bold(result.drill.name)) against \(result.target.name): \(style.outcome(result.outcome)) (exit \(result.exitCode))"
                + style.dim("  run \(result.runId)\(duration)"))
        if let reason = result.reason, result.outcome != .pass { lines.append("  why: \(reason)") }
        if !result.verdicts.isEmpty { lines.append("  verdicts:") }
        let width = result.verdicts.map(\.name.count).max() ?? 0
        for verdict in result.verdicts {
            lines.append("    \(style.verdict(verdict.status))  \(verdict.name.rightPad(width))  \(verdict.message)")
        }
        lines += measures()
        lines += impact()
        for (title, archive) in [("cut-over", result.cutover), ("cut-back", result.cutback)] {
            guard let steps = archive?.steps else { continue }
            let words = steps.map { step in
                let text = "\(step.name) \(step.outcome.rawValue.replacingOccurrences(of: "_", with: " "))"
                return [.done, .undone].contains(step.outcome) ? text : style.red(text)
            }
            lines.append("  \(title) steps: " + words.joined(separator: ", "))
        }
        if !result.faults.isEmpty { lines.append("  faults:") }
        for fault in result.faults {
            let state = fault.state == .reverted ? style.green(fault.state.rawValue) : style.red(fault.state.rawValue)
            lines.append(
                "    \(fault.plan.name) (\(fault.plan.kind) \(fault.plan.place)): \(fault.effect ?? "not applied") → \(state)\(fault.revert.map { ": \($0)" } ?? "")"
            )
            if let hosts = fault.hosts, !hosts.isEmpty { lines.append("      hit: " + Self.hit(hosts.map(\.host))) }
        }
        if let cutback = result.cutback {
            let routing =
                if let withheld = cutback.withheld {
                    style.red("NOT cut back (withheld): \(withheld)")
                } else if cutback.succeeded {
                    "cut back (\(cutback.id ?? "cut-back") done)"
                } else {
                    style.red("NOT cut back: \(cutback.error ?? "the cut-back did not complete")")
                }
            lines.append("    routing: " + routing)
        }
        if let check = result.rollbackCheck {
            switch check.outcome {
            case .healthy:
                lines.append("    steady state: back, every user healthy on its home unit")
            case .unhealthy:
                lines.append("    steady state: " + style.red("NOT back: \(check.problem ?? "")"))
            case .notChecked:
                lines.append("    steady state: not checked (\(check.problem ?? ""))")
            }
        }
        if let archive {
            let files = [
                result.archive?.result, result.archive?.junit, result.archive?.report, result.archive?.rawSamples,
            ]
            .compactMap { $0 }
            lines.append("  archive: \(archive)/ (\(files.joined(separator: ", ")))")
            lines.append("  result: \(archive)/\(result.archive?.result ?? "result.json")")
        }
        return lines.joined(separator: "\n")
    }

    /// The RTO and RPO lines, each against its goal.
    private func measures() -> [String] {
        var lines: [String] = []
        if let rto = result.rto {
            if let measured = rto.measuredMs {
                let parts = [
                    ("detect", rto.detectMs.map(Self.ms)), ("decide", rto.decideMs.map(Self.ms)),
                    ("switch", rto.switchText(Self.ms)), ("converge", rto.convergeMs.map(Self.ms)),
                ]
                .compactMap { name, value in value.map { "\(name) \($0)" } }
                let met = rto.met ? style.green("met") : style.red("MISSED")
                lines.append(
                    "  RTO: \(Self.ms(measured)) (goal \(Self.ms(rto.goalMs)), \(met)): \(parts.joined(separator: ", "))"
                )
            } else {
                lines.append("  RTO: not measured (goal \(Self.ms(rto.goalMs)))")
            }
        }
        if let inject = result.inject {
            var text = "  inject: \(Self.ms(inject.prepareMs)) of preparation before the fault took effect"
            if let effect = inject.effectMs { text += " (its effecting action took \(Self.ms(effect)))" }
            if let prove = inject.proveMs { text += ", proven \(Self.ms(prove)) after" }
            lines.append(text)
        }
        if let rpo = result.rpo {
            let observed = rpo.observedMs.map { Self.ms($0) } ?? "not measured"
            let met = rpo.met ? style.green("met") : style.red("MISSED")
            var text =
                "  RPO: \(observed) (goal \(Self.ms(rpo.goalMs)), \(met)): \(rpo.lost) of \(rpo.acked) acknowledged canaries lost"
            if let blocked = rpo.writeBlockedMs { text += ", writes blocked for \(Self.ms(blocked))" }
            lines.append(text)
        }
        return lines
    }

    /// Who was impacted: per user, or per group past 20 users.
    private func impact() -> [String] {
        var lines: [String] = []
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
                let failed = "failed \(user.failures)/\(user.samplesDuringFault) probes from +\(Self.ms(first))"
                text += user.expectedImpact == "none" ? style.red(failed) : failed
                if let recovered = user.recoveredMs {
                    text += ", recovered at +\(Self.ms(recovered)) on \(user.servedAfter ?? "-")"
                }
            } else if let later = user.failuresSinceFault, later > 0 {
                let from = user.firstFailureSinceFaultMs.map { " from +\(Self.ms($0))" } ?? ""
                text +=
                    "no failure while the faults were applied, but " + style.red("failed \(later) time(s) after\(from)")
                    + " (\(user.samples) probes)"
            } else if result.timeline.fault != nil {
                text +=
                    "never failed while the faults were applied (\(user.samplesDuringFault) probes), nor after (\(user.samples) in all)"
            } else if user.samples == 0 {
                text += "no probe recorded (the run stopped before the steady state)"
            } else {
                text += "never failed (\(user.samples) probes)"
            }
            lines.append(text)
        }
        return lines
    }

    static func ms(_ value: Double) -> String { DurationText.format(.milliseconds(value.rounded())) }

    /// The hosts or pods a fault hit, the first few by name.
    static func hit(_ names: [String], shown: Int = 5) -> String {
        names.prefix(shown).joined(separator: ", ")
            + (names.count > shown ? " and \(names.count - shown) more (result.json lists each)" : "")
    }
}
