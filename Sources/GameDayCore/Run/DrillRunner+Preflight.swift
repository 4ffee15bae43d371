extension DrillRunner {
    /// Everything that can be checked before harm: the token is readable, every request the run
    /// will send renders (no unset `${ENV}`, no unknown value), the control plane accepts the
    /// credentials (its `check` request), every user is routed as the rule says, and every fault's
    /// target is found. Nothing is changed here.
    func preflight(_ journal: RunJournal, _ store: SampleStore) async throws -> TemplateContext {
        try await beginBeforeHarm(.preflight, journal, store)
        var token: String?
        do {
            token = try target.controlPlane.token?.read(environment: env.environment, files: env.files)
        } catch {
            throw RunStop(.error, error.message)
        }
        let context = TemplateContext.run(
            drill: drill, target: target, runId: env.runId, token: token, environment: env.environment)
        try renderEveryRequest(context)
        let credentials = try await checkControlPlane(context)
        let decision = try await prepareDecision()

        // Every test user must be routed where the routing rule says.
        let prober = Prober(spec: drill.probe, transport: env.transport, context: context, requiresUnit: true)
        for user in drill.users {
            try Task.checkCancellation()
            let sample = await prober.probe(user, clock: env.clock)
            try Task.checkCancellation()
            guard sample.status != nil else {
                throw RunStop(
                    .error,
                    "the gateway did not answer the probe of user \(user.id): \(sample.failure ?? "no answer") (\(target.gatewayURL))"
                )
            }
            let expected = target.routing.unit(for: user.id)
            guard sample.unit == expected else {
                throw RunStop(.error, misrouted(user, sample, expected: expected))
            }
        }

        let sampled = try await checkRuleSample(prober)

        for fault in drill.faults {
            await journal.planned(env.faults.plan(fault, in: target))
            do {
                let found = try await env.faults.check(fault, in: target)
                env.reporter.report(.note("fault \(fault.name): \(found)"))
            } catch {
                throw RunStop(.error, "fault \(fault.name) cannot be applied: \(error.message)")
            }
        }
        await journal.verdict(
            Verdict(
                "preflight", .pass,
                "files valid, control plane reachable (\(credentials)), gateway reachable, users routed as the rule says, "
                    + "\(sampled), fault targets found" + (decision.map { ", the cut-over's decision: \($0)" } ?? "")
            ))
        return context
    }

    /// Renders every request the run may send, with the values it will have then, so that a
    /// `${ENV}` that is unset stops the run here rather than after the fault.
    private func renderEveryRequest(_ context: TemplateContext) throws(RunStop) {
        // A task id only the control plane's answer gives; any value shows the template renders.
        let polled = context.adding([TemplateVariables.cutoverID: "preflight"])
        var requests: [(String, RequestTemplate, TemplateContext)] = []
        if let check = target.controlPlane.check { requests.append(("control_plane.check", check, context)) }
        var commands: [(String, CommandTemplate, TemplateContext)] = []
        for (name, spec) in [("cut-over", drill.cutover), ("cut-back", drill.rollback.cutback)] {
            guard let spec else { continue }
            for step in spec.steps {
                let what = spec.stepwise ? "\(name) step '\(step.name)'" : name
                let calls =
                    [(what, step.action.call, context)]
                    + (step.action.poll.map { [("\(what) poll", $0.call, polled)] } ?? [])
                    + (step.undo.map { [("\(what) undo", $0.call, polled)] } ?? [])
                    + (step.undo?.poll.map { [("\(what) undo poll", $0.call, polled)] } ?? [])
                for (what, call, context) in calls {
                    switch call {
                    case .request(let request): requests.append(("\(what) request", request, context))
                    case .command(let command): commands.append(("\(what) command", command, context))
                    }
                }
            }
        }
        for (name, template, context) in commands {
            do {
                _ = try RenderedCommand(template, context: context)
            } catch {
                throw RunStop(.error, "the \(name) cannot be rendered: \(error); nothing was applied")
            }
        }
        if let rpo = drill.rpo {
            for user in drill.canaryUsers {
                let canary = context.adding(user: user)
                requests.append(
                    ("canary write of user \(user.id)", rpo.write, canary.adding([TemplateVariables.canarySeq: "1"])))
                requests.append(("canary read of user \(user.id)", rpo.read, canary))
            }
        }
        for (name, template, context) in requests {
            do {
                _ = try RenderedRequest(template, context: context, timeout: drill.probe.timeout)
            } catch {
                throw RunStop(.error, "the \(name) cannot be rendered: \(error); nothing was applied")
            }
        }
    }

    /// The control plane must answer; with the target's `control_plane.check`, it must accept the
    /// credentials (a 2xx). Returns what was verified, in words for the preflight verdict.
    private func checkControlPlane(_ context: TemplateContext) async throws -> String {
        guard let check = target.controlPlane.check else {
            do {
                _ = try await env.transport.send(HTTPRequest(url: target.controlPlane.url, timeout: .seconds(3)))
            } catch {
                if error.kind == .cancelled { throw CancellationError() }
                throw RunStop(
                    .error, "the control plane is unreachable at \(target.controlPlane.url): \(error.message)")
            }
            let note =
                "its credentials were NOT verified: the target names no 'control_plane.check' request, "
                + "so a wrong token shows only when the cut-over is sent, after the fault"
            env.reporter.report(.note("control plane: \(note)"))
            return "credentials not verified"
        }
        let rendered = try RenderedRequest(check, context: context, timeout: .seconds(10))
        let shown = "\(rendered.display.method) \(rendered.display.url)"
        let response: HTTPResponse
        do {
            response = try await env.transport.send(rendered.request)
        } catch {
            if error.kind == .cancelled { throw CancellationError() }
            throw RunStop(
                .error,
                "the control plane is unreachable (\(shown)): \(context.redact(error.message)); nothing was applied")
        }
        switch response.status {
        case 200...299:
            return "credentials accepted by \(shown): \(response.status)"
        case 401, 403:
            throw RunStop(
                .error,
                "the control plane refused the credentials (\(response.status) to \(shown)): check the token given by "
                    + "the target's control_plane.token; nothing was applied")
        default:
            let body = context.redact(String(response.bodyText.prefix(200)))
            throw RunStop(
                .error,
                "the control plane's check \(shown) answered \(response.status), not 2xx: \(body); nothing was applied")
        }
    }
}
