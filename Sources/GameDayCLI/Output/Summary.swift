import GameDayCore

/// The end-of-run summary: the verdicts as a table, the RTO against its goal with the breakdown,
/// the RPO, who was impacted (and who was not) per user group, what was reverted, and where the
/// archive is.
struct Summary {
    let result: RunResult
    /// The archive directory, when the run was archived.
    let archive: String?
    var style: TerminalStyle = .plain
    /// List every user, not a few lines per user group (`--verbose`).
    var verbose = false
    /// The columns verdict messages and group lines are wrapped to; nil: not wrapped.
    var width: Int? = nil

    func render() -> String {
        var lines: [String] = []
        let duration = result.durationMs.map { ", \(Self.ms($0))" } ?? ""
        lines.append(
            "\(style.bold(result.drill.name)) against \(result.target.name): \(style.outcome(result.outcome)) (exit \(result.exitCode))"
                + style.dim("  run \(result.runId)\(duration)"))
        if let reason = result.reason, result.outcome != .pass { lines.append("  why: \(reason)") }
        if !result.verdicts.isEmpty { lines.append("  verdicts:") }
        let nameWidth = result.verdicts.map(\.name.count).max() ?? 0
        for verdict in result.verdicts {
            // Continuation lines start under the message: `    PASS  name  `.
            let column = String(repeating: " ", count: 4 + 4 + 2 + nameWidth + 2)
            var message = Self.wrap(verdict.message, width: width, indent: column, hanging: column)
            message[0] =
                "    \(style.verdict(verdict.status))  \(verdict.name.rightPad(nameWidth))  "
                + message[0].dropFirst(column.count)
            lines += message
        }
        lines += measures()
        lines += UsersSection(result: result, style: style, verbose: verbose, width: width).render()
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
        // Any line still too wide (a fault's effect) goes on under itself, two columns in.
        lines = lines.flatMap { line in
            let indent = String(line.prefix { $0 == " " })
            return Self.wrap(String(line.dropFirst(indent.count)), width: width, indent: indent, hanging: indent + "  ")
        }
        if let archive {
            let files = [
                result.archive?.result, result.archive?.junit, result.archive?.report, result.archive?.rawSamples,
            ]
            .compactMap { $0 }
            // Never wrapped: each path is one line to copy, and scripts read `result: PATH`.
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
                    ("detect", rto.detectMs.map(Self.ms)), ("decide", rto.decideText(Self.ms)),
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
        if let probes = result.probes {
            lines.append("  probes: " + probes.words(probeIntervalMs: result.probeIntervalMs))
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

    /// `text` cut at spaces into lines of at most `width` columns (a word longer than that stands
    /// alone), the first after `indent`, the others after `hanging`. Colour codes take no column.
    static func wrap(_ text: String, width: Int?, indent: String, hanging: String) -> [String] {
        guard let width, columns(indent + text) > width else { return [indent + text] }
        var lines: [String] = []
        var line = indent
        var used = indent.count
        for word in text.split(separator: " ") {
            let lead = lines.isEmpty ? indent : hanging
            let size = columns(String(word))
            if used > lead.count, used + 1 + size > width {
                lines.append(line)
                line = hanging + word
                used = hanging.count + size
            } else {
                line += (used > lead.count ? " " : "") + word
                used += (used > lead.count ? 1 : 0) + size
            }
        }
        return lines + [line]
    }

    /// The columns `text` takes on a terminal: its characters but colour codes (`ESC [ … m`).
    static func columns(_ text: String) -> Int {
        text.replacing(/\u{1B}\[[0-9;]*m/, with: "").count
    }

    static func ms(_ value: Double) -> String { DurationText.format(.milliseconds(value.rounded())) }

    /// The hosts or pods a fault hit, the first few by name.
    static func hit(_ names: [String], shown: Int = 5) -> String {
        names.prefix(shown).joined(separator: ", ")
            + (names.count > shown ? " and \(names.count - shown) more (result.json lists each)" : "")
    }
}
