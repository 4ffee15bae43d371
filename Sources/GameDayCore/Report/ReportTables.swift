/// The report's tables: verdicts, faults, users or groups, and the cut-over's state changes.
enum ReportTables {
    /// Users listed before the rest are only counted.
    static let userLimit = 100

    /// A table of cells already written as HTML; headers are plain text.
    static func table(_ headers: [String], _ rows: [[String]], class name: String? = nil) -> String {
        let head = headers.map { "<th>\(ReportText.escape($0))</th>" }.joined()
        let body = rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<table\(name.map { " class=\"\($0)\"" } ?? "")>\n<thead><tr>\(head)</tr></thead>\n<tbody>\n\(body)\n"
            + "</tbody>\n</table>"
    }

    static func verdicts(_ result: RunResult) -> String {
        guard !result.verdicts.isEmpty else { return "<p class=\"muted\">No verdict was reached.</p>" }
        let rows = result.verdicts.map { verdict in
            let status =
                switch verdict.status {
                case .pass: "<span class=\"status pass\">PASS</span>"
                case .fail: "<span class=\"status fail\">FAIL</span>"
                case .skipped: "<span class=\"status skip\">SKIP</span>"
                }
            return [status, "<b>\(ReportText.escape(verdict.name))</b>", ReportText.escape(verdict.message)]
        }
        return table(["status", "verdict", "what was seen"], rows, class: "verdicts")
    }

    static func faults(_ result: RunResult) -> String {
        guard !result.faults.isEmpty else { return "<p class=\"muted\">No fault was applied.</p>" }
        let rows = result.faults.map { fault in
            [
                "<b>\(ReportText.escape(fault.plan.name))</b><br/><span class=\"muted\">"
                    + "\(ReportText.escape(fault.plan.kind)) on \(ReportText.escape(fault.plan.place))</span>",
                ReportText.escape(fault.effect ?? "not applied") + hosts(fault.hosts ?? []),
                time(fault.appliedMs),
                time(fault.revertedMs),
                "<span class=\"\(fault.state == .reverted ? "good" : "bad")\">\(ReportText.escape(fault.state.rawValue))</span>"
                    + (fault.revert.map { "<br/><span class=\"muted\">\(ReportText.escape($0))</span>" } ?? ""),
            ]
        }
        return table(["fault", "effect", "applied", "reverted", "revert"], rows)
    }

    /// What a fault on SSH hosts or pods did on each, folded away (`<details>` needs no script).
    static func hosts(_ hosts: [HostFault]) -> String {
        guard !hosts.isEmpty else { return "" }
        let items = hosts.map { "<li><code>\(ReportText.escape($0.host))</code> \(ReportText.escape($0.effect))</li>" }
        return "<details><summary>\(hosts.count) hit</summary><ul>\(items.joined())</ul></details>"
    }

    static func users(_ result: RunResult) -> String {
        guard !result.users.isEmpty else { return "<p class=\"muted\">The run had no test users.</p>" }
        var rows = result.users.prefix(userLimit).map { user in
            [
                "<b>\(user.id)</b> \(ReportText.escape(user.name))",
                ReportText.escape(user.home ?? "-"),
                ReportText.escape(TimelineLane.expectation(user.expectedImpact, recoversOn: user.recoversOn)),
                failures(user.failures, of: user.samples),
                time(user.firstFailureMs),
                time(user.recoveredMs),
                served(user.servedBefore, user.servedAfter),
            ]
        }
        if result.users.count > userLimit {
            rows.append(["<span class=\"muted\">… and \(result.users.count - userLimit) more users</span>"])
        }
        return table(
            ["user", "home", "expected", "failed probes", "first failure", "recovered at", "served before → after"],
            rows)
    }

    static func groups(_ result: RunResult) -> String {
        let rows = result.groups.map { group in
            [
                "<b>\(ReportText.escape(group.name))</b>",
                "\(group.users.count)",
                ReportText.escape(TimelineLane.expectation(group.expectedImpact, recoversOn: group.recoversOn)),
                "\(group.impacted) of \(group.users.count)",
                failures(group.failures, of: group.samples),
                time(group.detectMs),
                time(group.recoveredMs),
                group.rto.map { rto($0, endedEarly: result.endedBeforeRecovery) } ?? "-",
            ]
        }
        return table(
            ["group", "users", "expected", "impacted", "failed probes", "first failure", "recovered at", "RTO"], rows)
    }

    static func cutover(_ title: String, _ archive: CutoverArchive) -> String {
        var html =
            "<h3>\(ReportText.escape(title))\(archive.id.map { " <code>\(ReportText.escape($0))</code>" } ?? "")</h3>\n"
        var summary: [String] = []
        if let request = archive.request {
            summary.append("<code>\(ReportText.escape(request.method)) \(ReportText.escape(request.url))</code>")
        }
        if let command = archive.command {
            summary.append("<code>\(ReportText.escape(RenderedCommand.summary(command.argv)))</code>")
            if let code = command.exitCode { summary.append("exited \(code)") }
        }
        if let status = archive.status { summary.append("answered HTTP \(status)") }
        if let started = archive.startedMs, let done = archive.doneMs {
            summary.append("done in <b>\(ReportText.span(done - started))</b>")
        }
        summary.append(
            archive.succeeded ? "<span class=\"good\">succeeded</span>" : "<span class=\"bad\">failed</span>")
        if let error = archive.error { summary.append("<span class=\"bad\">\(ReportText.escape(error))</span>") }
        html += "<p>\(summary.joined(separator: " · "))</p>\n"
        for command in [archive.command, archive.pollCommand].compactMap({ $0 }) {
            for (name, text) in [("stdout", command.stdout), ("stderr", command.stderr)] {
                guard let text else { continue }
                html +=
                    "<p class=\"muted\">\(name) of <code>\(ReportText.escape(RenderedCommand.summary(command.argv)))</code>:</p>"
                    + "<pre>\(ReportText.escape(text))</pre>\n"
            }
        }
        if let steps = archive.steps {
            let rows = steps.map { step in
                let undo = step.undo.map { undo in
                    (undo.succeeded ? "undone" : "<span class=\"bad\">undo failed</span>")
                        + (undo.startedMs.map { " at \(ReportText.offset($0))" } ?? "")
                        + (undo.error.map { ": \(ReportText.escape($0))" } ?? "")
                }
                return [
                    "<b>\(ReportText.escape(step.name))</b>",
                    step.outcome == .done || step.outcome == .undone
                        ? step.outcome.rawValue : "<span class=\"bad\">\(step.outcome.rawValue)</span>",
                    time(step.call.startedMs),
                    step.call.startedMs.flatMap { start in step.call.doneMs.map { ReportText.span($0 - start) } }
                        ?? "-",
                    step.call.error.map(ReportText.escape) ?? "", undo ?? "",
                ]
            }
            html += table(["step", "outcome", "started", "took", "problem", "undo"], rows) + "\n"
        }
        guard !archive.states.isEmpty else { return html + "<p class=\"muted\">No state change was recorded.</p>" }
        let rows = archive.states.map { state in
            [
                "<code>\(ReportText.escape(state.state))</code>", ReportText.offset(state.ms),
                archive.startedMs.map { "\(ReportText.span(state.ms - $0)) after the request" } ?? "",
            ]
        }
        return html + table(["state", "at", "since the request"], rows)
    }

    private static func time(_ ms: Double?) -> String { ms.map(ReportText.offset) ?? "-" }

    private static func failures(_ failed: Int, of samples: Int) -> String {
        failed == 0 ? "0 of \(samples)" : "<span class=\"bad\">\(failed)</span> of \(samples)"
    }

    private static func served(_ before: String?, _ after: String?) -> String {
        "\(ReportText.escape(before ?? "-")) → \(ReportText.escape(after ?? "-"))"
    }

    private static func rto(_ rto: RTORecord, endedEarly: Bool) -> String {
        guard let measured = rto.measuredMs else {
            return endedEarly ? "<span class=\"muted\">not measured</span>" : "<span class=\"bad\">not recovered</span>"
        }
        return "<span class=\"\(rto.met ? "good" : "bad")\">\(ReportText.span(measured))</span> of "
            + ReportText.span(rto.goalMs)
    }
}
