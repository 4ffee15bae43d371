/// What happened to one cut-over (or cut-back) request.
public struct CutoverRecord: Sendable, Hashable {
    public struct Observation: Sendable, Hashable {
        public var at: Duration
        public var state: String
    }

    /// The request as sent, secrets redacted.
    public var request: RequestRecord?
    public var status: Int?
    public var id: String?
    /// When the request was sent.
    public var startedAt: Duration?
    /// When the control plane was seen to report done.
    public var doneAt: Duration?
    /// Every state change seen while polling.
    public var states: [Observation] = []
    public var succeeded = false
    /// Why it did not succeed, in words an SRE can act on.
    public var error: String?
    /// The run was interrupted (Ctrl-C, SIGTERM) before the control plane's last word.
    public var interrupted = false
    /// The control plane's task reached a final state (done or failed), or there was no task to follow.
    public var finished = false
    /// Why it was not sent although the drill asked for it (a cut-back withheld from an unhealthy unit).
    public var withheld: String?

    public init() {}

    /// Whether anything may have moved: the control plane accepted the request (whatever its task
    /// did later), or the request went out and no answer said otherwise (a timeout, no connection
    /// after sending, an interrupt). A refusal (401, 500, a status not accepted) moved nothing.
    public func mayHaveMoved(accepting accept: [Int]) -> Bool {
        guard startedAt != nil else { return false }
        guard let status else { return true }
        return accept.contains(status)
    }
}

/// Sends a templated cut-over request and follows it until it is done, failed or timed out.
public struct CutoverClient: Sendable {
    public let transport: any HTTPTransport
    public let clock: any RunClock
    /// Removes secret values from anything echoed back by the control plane.
    public let redact: @Sendable (String) -> String
    /// Told each new state as it is seen (for `--verbose`).
    public let observe: @Sendable (String) -> Void

    public init(
        transport: any HTTPTransport, clock: any RunClock, redact: @escaping @Sendable (String) -> String,
        observe: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.transport = transport
        self.clock = clock
        self.redact = redact
        self.observe = observe
    }

    public func execute(_ spec: CutoverSpec, context: TemplateContext) async -> CutoverRecord {
        var record = CutoverRecord()
        let rendered: RenderedRequest
        do {
            rendered = try RenderedRequest(spec.request, context: context, timeout: .seconds(10))
        } catch {
            record.error = "could not build the cut-over request: \(error)"
            return record
        }
        record.request = rendered.display
        record.startedAt = clock.now()
        let response: HTTPResponse
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
            return record
        }
        record.status = response.status
        guard spec.accept.contains(response.status) else {
            record.error = Self.explain(
                status: response.status, body: redact(excerpt(response.bodyText)), url: rendered.display.url)
            return record
        }
        if let idField = spec.idField {
            guard let json = JSONValue.parse(response.body) else {
                record.error =
                    "the control plane answered \(response.status) with a body that is not JSON: \(redact(excerpt(response.bodyText)))"
                return record
            }
            guard let id = json.value(at: idField)?.text else {
                record.error =
                    "the control plane's answer has no '\(idField)' field (id_field): \(redact(excerpt(response.bodyText)))"
                return record
            }
            record.id = id
        }
        guard let poll = spec.poll else {
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
    /// `deadline`: so that no second task (a cut-back) is sent while it still runs.
    public func finish(
        _ record: inout CutoverRecord, _ spec: CutoverSpec, context: TemplateContext, until deadline: Duration
    ) async -> Ending {
        guard !record.finished, record.mayHaveMoved(accepting: spec.accept) else { return .finished }
        guard let poll = spec.poll, let id = record.id else { return .unknown }
        let before = (record.error, record.interrupted)
        await follow(
            poll, context: context.adding([TemplateVariables.cutoverID: id]), into: &record,
            for: max(.zero, deadline - clock.now()))
        if !record.finished { (record.error, record.interrupted) = before }
        return record.finished ? .finished : .running
    }

    /// Polls the status URL until the field reaches a done or failed value, or `time` has passed.
    private func follow(
        _ poll: PollSpec, context: TemplateContext, into record: inout CutoverRecord, for time: Duration
    ) async {
        let start = clock.now()
        let deadline = start + time
        var lastProblem: String?
        while clock.now() < deadline {
            if Task.isCancelled {
                record.interrupted = true
                record.error = "interrupted while waiting for the control plane to report it done"
                return
            }
            do {
                let rendered = try RenderedRequest(
                    poll.request, context: context, timeout: min(poll.timeout, .seconds(5)))
                let response = try await transport.send(rendered.request)
                let now = clock.now()
                if response.status == 200, let json = JSONValue.parse(response.body) {
                    if let state = json.value(at: poll.field)?.text {
                        if record.states.last?.state != state {
                            record.states.append(.init(at: now, state: state))
                            observe(redact(state))
                        }
                        if poll.done.contains(state) {
                            record.succeeded = true
                            record.finished = true
                            record.error = nil
                            record.doneAt = now
                            return
                        }
                        if poll.failed.contains(state) {
                            record.finished = true
                            record.error = "the control plane reports the cut-over \(state)"
                            return
                        }
                        lastProblem = nil
                    } else {
                        lastProblem = "its answer has no '\(poll.field)' field"
                    }
                } else if response.status == 200 {
                    lastProblem = "its answer is not JSON: \(redact(excerpt(response.bodyText)))"
                } else {
                    lastProblem = Self.explain(
                        status: response.status, body: redact(excerpt(response.bodyText)), url: rendered.display.url)
                    if response.status == 401 || response.status == 403 {
                        record.error = lastProblem
                        return
                    }
                }
            } catch let error as TemplateError {
                record.error = "could not build the poll request: \(error)"
                return
            } catch let error as HTTPTransportError {
                lastProblem = "status URL unreachable: \(redact(error.message))"
            } catch {
                lastProblem = "\(error)"
            }
            try? await clock.sleep(for: poll.interval)
        }
        let last = record.states.last.map { "last state '\($0.state)'" } ?? "no state seen"
        record.error =
            "the cut-over was not done after \(DurationText.format(time)) (\(last)"
            + (lastProblem.map { "; \($0)" } ?? "") + ")"
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

    private func excerpt(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 200 ? String(flat.prefix(200)) + "…" : flat
    }
}
