// MARK: - Following a task

extension CutoverClient {
    /// What one look at the task said.
    enum Reading {
        /// The state it reports (a JSON field), or "done"/"running"/"failed" from a command's exit status.
        case state(String)
        /// A command without `field` exited with a status that is neither done nor running.
        case failed(String)
        /// Nothing could be read this time; the next look may do better.
        case problem(String)
        /// Looking again cannot help (the credentials were refused, the poll cannot be built).
        case stop(String)
    }

    /// Polls the status URL (or runs the status command) until the task reaches a done or failed
    /// state, or `time` has passed.
    func follow(_ poll: PollSpec, context: TemplateContext, into record: inout CutoverRecord, for time: Duration) async
    {
        let deadline = clock.now() + time
        var lastProblem: String?
        while clock.now() < deadline {
            if Task.isCancelled {
                record.interrupted = true
                record.error = "interrupted while waiting for the control plane to report it done"
                return
            }
            let reading = await look(poll, context: context, into: &record, until: deadline)
            let now = clock.now()
            switch reading {
            case .state(let state):
                if record.states.last?.state != state {
                    record.states.append(.init(at: now, state: state))
                    observe(redact(state))
                }
                if poll.done.contains(state) || (poll.field == nil && state == Self.exitDone) {
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
            case .failed(let why):
                record.finished = true
                record.error = why
                return
            case .problem(let problem):
                lastProblem = problem
            case .stop(let problem):
                record.error = problem
                return
            }
            try? await clock.sleep(for: poll.interval)
        }
        let last = record.states.last.map { "last state '\($0.state)'" } ?? "no state seen"
        record.error =
            "the cut-over was not done after \(DurationText.format(time)) (\(last)"
            + (lastProblem.map { "; \($0)" } ?? "") + ")"
    }

    /// The state a status command without `field` reports by exiting 0.
    static let exitDone = "done"
    static let exitRunning = "running"

    private func look(
        _ poll: PollSpec, context: TemplateContext, into record: inout CutoverRecord, until deadline: Duration
    ) async -> Reading {
        switch poll.call {
        case .request(let template):
            let rendered: RenderedRequest
            do {
                rendered = try RenderedRequest(template, context: context, timeout: min(poll.timeout, .seconds(5)))
            } catch {
                return .stop("could not build the poll request: \(error)")
            }
            let response: HTTPResponse
            do {
                response = try await transport.send(rendered.request)
            } catch {
                return .problem("status URL unreachable: \(redact(error.message))")
            }
            guard response.status == 200 else {
                let problem = Self.explain(
                    status: response.status, body: redact(excerpt(response.bodyText)), url: rendered.display.url)
                return response.status == 401 || response.status == 403 ? .stop(problem) : .problem(problem)
            }
            return state(in: response.body, field: poll.field ?? "state", source: "its answer")
        case .command(let template):
            let rendered: RenderedCommand
            do {
                rendered = try RenderedCommand(template, context: context)
            } catch {
                return .stop("could not build the poll command: \(error)")
            }
            let limit = min(poll.timeout, max(.milliseconds(100), deadline - clock.now()))
            var shown = CommandRecord(argv: rendered.display)
            let outcome = await runToEnd(rendered.argv, timeout: limit)
            defer { record.pollCommand = shown }
            let output: CommandOutput
            switch outcome {
            case .failure(let error):
                return .stop("the poll command could not run: \(redact(error.message))")
            case .success(let ran):
                output = ran
            }
            shown.exitCode = output.exitCode
            shown.timedOut = output.timedOut
            if output.timedOut {
                keepOutput(output, in: &shown)
                return .problem("the poll command did not end within \(DurationText.format(limit)) and was killed")
            }
            if let field = poll.field {
                guard output.exitCode == 0 else {
                    keepOutput(output, in: &shown)
                    return .problem("the poll command exited \(output.exitCode): \(redact(output.lastLine))")
                }
                return state(in: Array(output.stdout.utf8), field: field, source: "its output")
            }
            if output.exitCode == 0 { return .state(Self.exitDone) }
            if poll.running.contains(output.exitCode) { return .state(Self.exitRunning) }
            keepOutput(output, in: &shown)
            return .failed(
                "the poll command reports the cut-over failed (exit \(output.exitCode))"
                    + (output.lastLine.isEmpty ? "" : ": \(redact(output.lastLine))"))
        }
    }

    private func state(in body: [UInt8], field: String, source: String) -> Reading {
        guard let json = JSONValue.parse(body) else {
            return .problem("\(source) is not JSON: \(redact(excerpt(String(decoding: body, as: UTF8.self))))")
        }
        guard let state = json.value(at: field)?.text else { return .problem("\(source) has no '\(field)' field") }
        return .state(state)
    }
}
