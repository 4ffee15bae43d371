import Foundation
import GameDayCore

/// Renders what a run of a drill would do, phase by phase, with secrets redacted.
struct PlanRenderer {
    let drill: Drill
    let target: Target
    let faults: any FaultDriver

    /// Secrets are never read for a plan: every one renders as `***`.
    private var context: TemplateContext {
        TemplateContext.run(
            drill: drill, target: target, runId: "<run id>",
            token: target.controlPlane.token == nil ? nil : RenderedString.mask,
            environment: { _ in RenderedString.mask }
        ).adding([TemplateVariables.cutoverID: "<cut-over id>"])
    }

    func render() -> String {
        var lines = ["plan: drill \(drill.name) (\(drill.file)) against target \(target.name) (\(target.file))"]
        let interval = DurationText.format(drill.probe.interval)

        lines.append("1. preflight (nothing is changed; any problem stops the run with exit 3)")
        lines.append("   render every request below; an unset ${ENV} or unknown value stops the run here")
        if let check = target.controlPlane.check {
            lines.append(
                "   check the credentials\(tokenNote), which must answer 2xx: "
                    + request(check, extra: [:], timeout: .seconds(10)).split(separator: "\n").joined(separator: " | "))
        } else {
            lines.append(
                "   reach the control plane at \(target.controlPlane.url)\(tokenNote); its credentials are not verified "
                    + "(the target names no control_plane.check)")
        }
        lines.append(
            "   probe each user once and check the unit that serves it, routed by \(target.routing.model) on "
                + "\(target.routing.key) (key → shard → unit, and why):")
        for user in drill.users {
            let route = target.routing.explain(user.id)
            let path = [user.id, route.shard, route.unit ?? "no unit"].compactMap { $0 }.joined(separator: " → ")
            lines.append("     \(user.name): \(path)   (\(route.reason))")
        }
        lines.append("   " + sampleLine)
        lines += checkLines(preflight: true)
        for fault in drill.faults {
            let plan = faults.plan(fault, in: target)
            lines.append(
                plan.locate == "-"
                    ? "   check that \(plan.name) (\(plan.kind) on \(plan.place)) can be applied"
                    : "   find the process of \(plan.place) by \(plan.locate)")
        }

        lines.append(
            "2. steady state: probe every user every \(interval) (timeout \(DurationText.format(drill.probe.timeout))) for \(DurationText.format(drill.steadyState.duration)); all must succeed on their home unit"
        )
        for user in drill.users {
            lines.append(
                "   probe \(user.id): \(request(drill.probe.request, extra: TemplateContext.userValues(user)).split(separator: "\n").joined(separator: " | "))"
            )
        }
        lines.append(
            "   success: status \(drill.probe.success.status.map(String.init).joined(separator: "|"))" + criteriaNote)
        lines.append("   " + focusLine)
        lines += checkLines(.steadyState, "each must hold at its end; a failure stops the run, no fault applied")

        let failing = drill.users.filter { $0.impact == .fail }.map { "\($0.id)" }
        lines.append("3. inject (each fault is recorded, then applied, then proven)")
        for fault in drill.faults {
            let plan = faults.plan(fault, in: target)
            lines.append("   \(plan.name): \(plan.kind) on \(plan.place) (executor \(plan.executor))")
            for (index, command) in plan.apply.enumerated() {
                let note = plan.locate == "-" || !command.contains("<pid>") ? "" : "   (<pid> from \(plan.locate))"
                lines.append("     \(index == 0 ? "apply: " : "       ") \(Self.argv(command))\(note)")
            }
            lines.append("     proof:  \(plan.proof)")
            if fault.name == drill.faults.first?.name, let fine = drill.probe.fineInterval, !failing.isEmpty {
                lines.append(
                    "     just before its effecting action, probe \(failing.joined(separator: ", ")) every "
                        + "\(DurationText.format(fine)) until each fails (at most \(DurationText.format(drill.observe.timeout)))"
                )
            }
            if plan.revert.isEmpty { lines.append("     revert: none") }
            for (index, command) in plan.revert.enumerated() {
                lines.append("     \(index == 0 ? "revert:" : "       ") \(Self.argv(command))")
            }
        }

        let unaffected = drill.users.filter { $0.impact == .none }.map { "\($0.id)" }
        lines.append(
            "4. observe for at least \(DurationText.format(drill.observe.duration)) (at most \(DurationText.format(drill.observe.timeout)))"
                + (failing.isEmpty ? "" : " until \(failing.joined(separator: ", ")) fail"))
        if !unaffected.isEmpty {
            lines.append(
                "   blast radius: \(unaffected.joined(separator: ", ")) must never fail; \(Self.guardrail(drill.guardrail)) abort the run and revert"
            )
        }
        lines += checkLines(.guardrail, "from the fault until the revert; a breach aborts the run and reverts at once")

        let recoveringUsers = drill.users.filter { $0.impact == .fail || $0.recoversOn != nil }
        let recovering = recoveringUsers.map { "\($0.id)" + ($0.recoversOn.map { " on \($0)" } ?? "") }
        if let cutover = drill.cutover {
            lines.append("5. cut over")
            lines += Self.triggerLines(cutover.trigger)
            let moves = drill.shardMoves(under: target.routing)
            if !moves.isEmpty {
                let plan = moves.keys.sorted().map { "\($0) → \(moves[$0]!)" }
                lines.append("   moving shards of \(drill.faultedUnit ?? "-"): \(plan.joined(separator: ", "))")
            }
            lines += cutoverLines(cutover)
            if let fine = drill.probe.fineInterval, let recovery = drill.recovery, !recovering.isEmpty {
                lines.append(
                    "   just before it is sent, probe \(recoveringUsers.map(\.id).joined(separator: ", ")) every \(DurationText.format(fine)) "
                        + "until each succeeds on its new unit (at most \(DurationText.format(recovery.timeout)) after the fault)"
                )
            }
        } else {
            lines.append("5. cut over: none in this drill")
        }
        if let recovery = drill.recovery {
            lines.append(
                "6. verify recovery: \(recovering.joined(separator: ", ")) with \(recovery.window) within the RTO of \(DurationText.format(recovery.rto)) (wait at most \(DurationText.format(recovery.timeout)))"
            )
            lines += checkLines(.recovery, "must hold before recovery is confirmed, retried until the recovery timeout")
        } else {
            lines.append("6. verify recovery: no RTO in this drill")
        }
        if let rpo = drill.rpo {
            let users = drill.canaryUsers
            let first = users.first.map(TemplateContext.userValues) ?? [:]
            lines.append(
                "   RPO: from the steady state, a canary every \(DurationText.format(rpo.interval)) for \(users.map { "\($0.id)" }.joined(separator: ", ")) (acknowledged: \(rpo.ack.map(String.init).joined(separator: "|")), write-blocked: \(rpo.blocked.map(String.init).joined(separator: "|")))"
            )
            lines += request(rpo.write, extra: first.merging([TemplateVariables.canarySeq: "1"]) { $1 }).split(
                separator: "\n"
            )
            .map { "     \($0)" }
            lines.append(
                "   after recovery, wait \(DurationText.format(rpo.grace)) and read them back (list at '\(rpo.field)'); goal RPO \(DurationText.format(rpo.goal))"
            )
            lines += request(rpo.read, extra: first).split(separator: "\n").map { "     \($0)" }
        }
        lines.append("7. roll back: revert every fault, last applied first")
        if let cutback = drill.rollback.cutback {
            lines.append("   cut back")
            lines += cutoverLines(cutback, taskId: "<cut-back id>").map { "  " + $0 }
        }
        lines.append(
            "   then every user healthy on its home unit for \(DurationText.format(drill.rollback.steadyState))")
        lines.append("8. archive: results/\(drill.name)/<UTC time>-<run id>/ (result.json, junit.xml, report.html)")
        lines += hookLines + notifyLines
        return lines.joined(separator: "\n")
    }

    /// What `probe.focus_interval` does in this drill, or that it is off.
    private var focusLine: String {
        let interval = DurationText.format(drill.probe.interval)
        guard let fine = drill.probe.fineInterval else {
            return "focus: off (probe.focus_interval): the RTO's ends are known to one probe interval (\(interval))"
        }
        return "focus: every \(DurationText.format(fine)) for the users that fail or move, only around the fault and "
            + "the cut-over (every other probe every \(interval)); result.json counts them (probes.focused)"
    }

    /// The metric checks of `phase` (or, for the preflight, where they are evaluated and how).
    private func checkLines(_ phase: CheckPhase? = nil, _ when: String = "", preflight: Bool = false) -> [String] {
        guard !drill.checks.isEmpty else { return [] }
        if preflight {
            let prometheus = target.prometheus
            let auth =
                prometheus?.token != nil
                ? " (bearer token)" : prometheus?.basicAuth.map { " (basic auth as \($0.username))" } ?? ""
            return [
                "   evaluate every check once on Prometheus at \(prometheus?.url ?? "<none: the target names no prometheus>")\(auth): "
                    + "unreachable, refused credentials or a query that does not parse stop the run here"
            ]
        }
        guard let phase else { return [] }
        let checks = drill.checks.filter { $0.applies(to: phase) }
        guard !checks.isEmpty else { return [] }
        var lines = ["   \(phase.rawValue) checks, \(when):"]
        for check in checks {
            let query = (try? check.query.render(context).redacted) ?? check.query.source
            let window = check.window.map { " over the last \(DurationText.format($0))" } ?? ""
            let every = phase == .steadyState ? "" : ", every \(DurationText.format(check.every))"
            lines.append(
                "     \(check.name): \(query) \(check.expect)\(window)\(every); no data or NaN: \(check.onNoData.rawValue)"
            )
        }
        return lines
    }

    private var tokenNote: String {
        switch target.controlPlane.token {
        case .environment(let name)?: " (token from $\(name))"
        case .file(let path)?: " (token from \(path))"
        case nil: ""
        }
    }

    private var criteriaNote: String {
        let success = drill.probe.success
        var parts: [String] = []
        for (name, value) in success.headers.sorted(by: { $0.key < $1.key }) { parts.append("\(name): \(value)") }
        for needle in success.bodyContains { parts.append("body contains \(needle)") }
        return (parts.isEmpty ? "" : ", " + parts.joined(separator: ", "))
            + "; serving unit from \(drill.probe.unitFrom)"
    }

    /// What the preflight's sample of the rule covers.
    private var sampleLine: String {
        let rule = target.routing
        guard target.keySample > 0 else { return "the rule's other keys are not sampled (routing.sample: 0)" }
        let cells = rule.cells.map { rule.describe($0) }
        let shown = cells.prefix(8).joined(separator: ", ") + (cells.count > 8 ? ", … (\(cells.count) in all)" : "")
        return "then \(target.keySample) keys of each part of the rule (\(shown)), at most "
            + "\(DrillRunner.sampleLimit) keys, must be served where the rule says"
    }

    /// `taskId` stands for `{{cutover.id}}` in a poll: the id of the task the call it follows started.
    private func cutoverLines(_ spec: CutoverSpec, taskId: String = "<cut-over id>") -> [String] {
        if let single = spec.single { return actionLines(single, taskId: taskId) }
        var lines: [String] = []
        for (index, step) in spec.steps.enumerated() {
            lines.append("   step \(index + 1) \(step.name):")
            lines += actionLines(step.action, taskId: taskId).map { "   " + $0 }
            if let undo = step.undo {
                lines.append("      undo (if a later step fails):")
                lines += actionLines(undo, taskId: taskId).map { "      " + $0 }
            }
        }
        return lines
    }

    /// One request or command, what it accepts and how it is followed.
    private func actionLines(_ action: CutoverAction, taskId: String) -> [String] {
        var lines: [String]
        switch action.call {
        case .request(let template):
            lines = request(template, extra: [:]).split(separator: "\n").map { "   " + $0 }
            lines.append(
                "   accept: \(action.accept.map(String.init).joined(separator: ", "))"
                    + (action.idField.map { "; task id from '\($0)'" } ?? ""))
        case .command(let template):
            lines = [
                "   run \(command(template)) (exit 0 taken; killed after \(DurationText.format(action.timeout)))"
                    + (action.idField.map { "; task id from '\($0)' of its JSON output" } ?? "")
            ]
        }
        if let poll = action.poll {
            let first: String
            switch poll.call {
            case .request(let template):
                first =
                    request(template, extra: [TemplateVariables.cutoverID: taskId]).split(separator: "\n").first.map(
                        String.init) ?? ""
            case .command(let template):
                first = "run " + command(template, extra: [TemplateVariables.cutoverID: taskId])
            }
            let until =
                poll.field.map {
                    "'\($0)' is \(poll.done.joined(separator: "|")) (failed: \(poll.failed.joined(separator: "|"))"
                }
                ?? "it exits 0 (still running: exit \(poll.running.map(String.init).joined(separator: "|")); failed: any other"
            lines.append(
                "   poll \(first) every \(DurationText.format(poll.interval)) until \(until); give up after \(DurationText.format(poll.timeout)))"
            )
        }
        return lines
    }

    func command(_ template: CommandTemplate, extra: [String: String] = [:]) -> String {
        do {
            return Self.argv(try RenderedCommand(template, context: context.adding(extra)).display)
        } catch {
            return Self.argv(template.argv.map(\.source)) + " (cannot render: \(error))"
        }
    }

    private func request(_ template: RequestTemplate, extra: [String: String], timeout: Duration? = nil) -> String {
        do {
            return try RenderedRequest(
                template, context: context.adding(extra), timeout: timeout ?? drill.probe.timeout
            ).display.summary
        } catch {
            return "\(template.method) \(template.url) (cannot render: \(error))"
        }
    }

    /// `3 failures in a row`, `3 failures among the last 10 probes`.
    static func guardrail(_ window: SuccessWindow) -> String {
        switch window {
        case .consecutive(let n): "\(n) failures in a row"
        case .kOfN(let k, let n): "\(k) failures among the last \(n) probes"
        }
    }

    /// argv shown as a copy-pasteable line: arguments with spaces or quotes are quoted.
    static func argv(_ argv: [String]) -> String {
        argv.map { arg in
            arg.isEmpty || arg.contains(where: { " '\"$\\".contains($0) })
                ? "'" + arg.replacingOccurrences(of: "'", with: "'\\''") + "'" : arg
        }.joined(separator: " ")
    }
}
