// MARK: - Commands

extension CutoverClient {
    /// Runs the command; its stdout when it exited 0, nil (with the error and its output noted) when not.
    func run(
        _ template: CommandTemplate, _ action: CutoverAction, into record: inout CutoverRecord,
        context: TemplateContext, first: Bool
    ) async -> [UInt8]? {
        let rendered: RenderedCommand
        do {
            rendered = try RenderedCommand(template, context: context)
        } catch {
            record.error = "could not build the cut-over command: \(error)"
            return nil
        }
        var shown = CommandRecord(argv: rendered.display)
        defer { record.command = shown }
        let summary = RenderedCommand.summary(rendered.display)
        if first { sending() }
        record.startedAt = clock.now()
        let output: CommandOutput
        switch await runToEnd(rendered.argv, timeout: action.timeout) {
        case .failure(let error):
            record.error = "the cut-over command \(summary) could not run: \(redact(error.message))"
            return nil
        case .success(let ran):
            output = ran
        }
        shown.exitCode = output.exitCode
        shown.timedOut = output.timedOut
        if output.timedOut {
            keepOutput(output, in: &shown)
            record.error =
                "the cut-over command \(summary) did not end within \(DurationText.format(action.timeout)); "
                + "it and everything it started were killed"
            return nil
        }
        guard output.exitCode == 0 else {
            keepOutput(output, in: &shown)
            // It ended by itself: whatever it started is not running beside what comes next.
            record.finished = true
            record.error =
                "the cut-over command \(summary) exited \(output.exitCode)"
                + (output.lastLine.isEmpty ? "" : ": \(redact(output.lastLine))")
            return nil
        }
        return Array(output.stdout.utf8)
    }

    /// Runs `argv` to its end (or its timeout) even when the run is interrupted meanwhile: only its
    /// end says whether the control plane took it, as for a request once sent.
    func runToEnd(_ argv: [String], timeout: Duration) async -> Result<CommandOutput, CommandError> {
        guard let commands else {
            return .failure(CommandError(argv: argv, message: "this run has no way to run commands"))
        }
        return await Task.detached { () -> Result<CommandOutput, CommandError> in
            do throws(CommandError) {
                return .success(try await commands.run(argv, timeout: timeout))
            } catch {
                return .failure(error)
            }
        }.value
    }

    /// Keeps the end of what a failed command printed, secrets removed.
    func keepOutput(_ output: CommandOutput, in record: inout CommandRecord) {
        record.stdout = CommandRecord.tail(output.stdout, redact: redact)
        record.stderr = CommandRecord.tail(output.stderr, redact: redact)
    }
}
