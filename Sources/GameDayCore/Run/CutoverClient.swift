/// Sends a cut-over (a templated request or a command, or a list of steps) and follows each to its
/// end: done, failed or timed out.
public struct CutoverClient: Sendable {
    public let transport: any HTTPTransport
    /// Runs `command:` calls; without one, a command is a failed call that says so.
    public let commands: (any CommandExecutor)?
    public let clock: any RunClock
    /// Removes secret values from anything echoed back by the control plane.
    public let redact: @Sendable (String) -> String
    /// Told each new state as it is seen (for `--verbose`).
    public let observe: @Sendable (String) -> Void
    /// Called immediately before the cut-over's request is sent (or its command run); for a
    /// stepwise one, before its first step only. The runner focuses its probes there.
    public let sending: @Sendable () -> Void

    public init(
        transport: any HTTPTransport, commands: (any CommandExecutor)? = nil, clock: any RunClock,
        redact: @escaping @Sendable (String) -> String, observe: @escaping @Sendable (String) -> Void = { _ in },
        sending: @escaping @Sendable () -> Void = {}
    ) {
        self.sending = sending
        self.transport = transport
        self.commands = commands
        self.clock = clock
        self.redact = redact
        self.observe = observe
    }

    /// Runs the cut-over: its one call, or its steps in order (undoing the done ones, last first,
    /// when one fails).
    public func execute(_ spec: CutoverSpec, context: TemplateContext) async -> CutoverRecord {
        guard let single = spec.single else { return await executeSteps(spec, context: context) }
        return await perform(single, context: context, first: true)
    }

    /// One action: the call sent (or run), the task id read from its answer, the task followed.
    /// `first`: the cut-over's first call, announced through `sending` just before it goes.
    func perform(_ action: CutoverAction, context: TemplateContext, first: Bool = false) async -> CutoverRecord {
        var record = CutoverRecord()
        let answer: [UInt8]?
        switch action.call {
        case .request(let request):
            answer = await send(request, action, into: &record, context: context, first: first)
        case .command(let command):
            answer = await run(command, action, into: &record, context: context, first: first)
        }
        guard let answer else { return record }
        if let idField = action.idField {
            let text = String(decoding: answer, as: UTF8.self)
            let source = action.call.kind == "command" ? "the command's output" : "the control plane's answer"
            guard let json = JSONValue.parse(answer) else {
                let what =
                    record.status.map { "the control plane answered \($0) with a body" } ?? "the command printed output"
                record.error = "\(what) that is not JSON: \(redact(excerpt(text)))"
                return record
            }
            guard let id = json.value(at: idField)?.text else {
                record.error = "\(source) has no '\(idField)' field (id_field): \(redact(excerpt(text)))"
                return record
            }
            record.id = id
        }
        guard let poll = action.poll else {
            record.succeeded = true
            record.finished = true
            record.doneAt = clock.now()
            return record
        }
        await follow(
            poll, context: context.adding([TemplateVariables.cutoverID: record.id ?? ""]), into: &record,
            for: poll.timeout)
        return record
    }

    /// Sends the request; the answer's body when the control plane took it, nil (with the error
    /// noted) when not.
    private func send(
        _ template: RequestTemplate, _ action: CutoverAction, into record: inout CutoverRecord,
        context: TemplateContext, first: Bool
    ) async -> [UInt8]? {
        let rendered: RenderedRequest
        do {
            rendered = try RenderedRequest(template, context: context, timeout: action.timeout)
        } catch {
            record.error = "could not build the cut-over request: \(error)"
            return nil
        }
        record.request = rendered.display
        if first { sending() }
        record.startedAt = clock.now()
        // Once sent, the request is not abandoned on an interrupt: only its answer says whether the
        // control plane took it (and which task to follow), so whether the rollback must cut back.
        // Its own timeout bounds the wait.
        let (transport, request) = (self.transport, rendered.request)
        let answer = await Task.detached { () -> Result<HTTPResponse, HTTPTransportError> in
            do throws(HTTPTransportError) {
                return .success(try await transport.send(request))
            } catch {
                return .failure(error)
            }
        }.value
        let response: HTTPResponse
        do {
            response = try answer.get()
        } catch {
            if error.kind == .cancelled {
                record.interrupted = true
                record.error = "interrupted before the control plane answered at \(rendered.display.url)"
            } else {
                record.error =
                    "the control plane could not be reached at \(rendered.display.url): \(redact(error.message))"
            }
            return nil
        }
        record.status = response.status
        guard action.accept.contains(response.status) else {
            record.error = Self.explain(
                status: response.status, body: redact(excerpt(response.bodyText)), url: rendered.display.url)
            return nil
        }
        return response.body
    }

    /// How following a cut-over's task to its end went.
    public enum Ending: Sendable, Hashable {
        /// It reached a final state (or had nothing to follow and was done).
        case finished
        /// There is no task to follow: no answer came, or the control plane named no task.
        case unknown
        /// It still runs at the deadline.
        case running
    }

    /// Follows a task the control plane accepted but that has not reached a final state (the run was
    /// interrupted while following it, or it outlived the poll's timeout) until it does, or until
    /// `deadline`: so that no second task (a cut-back) is sent while it still runs. For a stepwise
    /// cut-over, the task of the step that failed.
    public func finish(
        _ record: inout CutoverRecord, _ spec: CutoverSpec, context: TemplateContext, until deadline: Duration
    ) async -> Ending {
        guard spec.stepwise else {
            guard let single = spec.single else { return .finished }
            return await finish(&record, single, context: context, until: deadline)
        }
        guard let index = record.steps.firstIndex(where: { $0.outcome == .failed }), index < spec.steps.count
        else { return .finished }
        var call = record.steps[index].call
        let ending = await finish(&call, spec.steps[index].action, context: context, until: deadline)
        record.steps[index].call = call
        if ending == .finished { record.finished = true }
        return ending
    }

    private func finish(
        _ record: inout CutoverRecord, _ action: CutoverAction, context: TemplateContext, until deadline: Duration
    ) async -> Ending {
        guard !record.finished, record.mayHaveMoved(accepting: action.accept) else { return .finished }
        guard let poll = action.poll, let id = record.id else { return .unknown }
        let before = (record.error, record.interrupted)
        await follow(
            poll, context: context.adding([TemplateVariables.cutoverID: id]), into: &record,
            for: max(.zero, deadline - clock.now()))
        if !record.finished { (record.error, record.interrupted) = before }
        return record.finished ? .finished : .running
    }

    /// When to stop waiting for an unfinished task of `record` before cutting back: its poll's
    /// timeout again, counted from when its call was sent.
    public func followDeadline(_ record: CutoverRecord, _ spec: CutoverSpec) -> Duration {
        if let single = spec.single {
            return (record.startedAt ?? clock.now()) + (single.poll?.timeout ?? .zero)
        }
        guard let index = record.steps.firstIndex(where: { $0.outcome == .failed }), index < spec.steps.count
        else { return clock.now() }
        let call = record.steps[index].call
        return (call.startedAt ?? clock.now()) + (spec.steps[index].action.poll?.timeout ?? .zero)
    }

    static func explain(status: Int, body: String, url: String) -> String {
        switch status {
        case 401, 403:
            "the control plane refused the request with \(status) at \(url): check the token given by the target's control_plane.token"
        case 500...599:
            "the control plane failed with \(status) at \(url): \(body)"
        default:
            "the control plane answered \(status) at \(url): \(body)"
        }
    }

    func excerpt(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 200 ? String(flat.prefix(200)) + "…" : flat
    }
}
