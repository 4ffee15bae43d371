// MARK: - Steps

extension CutoverClient {
    /// Runs the steps in order until one fails; then undoes the done ones, last first, each by its
    /// `undo:`. Not when the failed step's own task may still be running (its poll timed out, the
    /// run was interrupted): undoing an earlier step beside it (unblocking writes mid-switch) could
    /// do harm, so they stay, and the record says why.
    func executeSteps(_ spec: CutoverSpec, context: TemplateContext) async -> CutoverRecord {
        var overall = CutoverRecord()
        var records = spec.steps.map { CutoverStepRecord(name: $0.name, outcome: .notRun) }
        var failed: Int?
        for (index, step) in spec.steps.enumerated() {
            if index > 0, Task.isCancelled {
                overall.interrupted = true
                break
            }
            observe("step \(step.name)")
            let call = await perform(step.action, context: context, first: index == 0)
            records[index].call = call
            overall.startedAt = overall.startedAt ?? call.startedAt
            if call.succeeded {
                records[index].outcome = .done
                continue
            }
            records[index].outcome = .failed
            failed = index
            break
        }
        guard failed != nil || overall.interrupted else {
            overall.succeeded = true
            overall.finished = true
            overall.doneAt = records.last?.call.doneAt
            overall.steps = records
            return overall
        }
        var problem: String
        if let failed {
            let call = records[failed].call
            overall.interrupted = call.interrupted
            overall.finished = call.finished || !call.mayHaveMoved(accepting: spec.steps[failed].action.accept)
            problem = "step '\(spec.steps[failed].name)' failed: \(call.error ?? "no reason given")"
        } else {
            overall.finished = true
            problem = "interrupted before step '\(spec.steps[records.firstIndex { $0.outcome == .notRun } ?? 0].name)'"
        }
        let done = records.indices.filter { records[$0].outcome == .done }
        if !done.isEmpty {
            if overall.finished {
                problem += "; " + (await undo(done, of: spec, into: &records, context: context))
            } else {
                let names = done.map { "'\(records[$0].name)'" }.joined(separator: ", ")
                problem +=
                    "; \(names) not undone: the failed step's task may still be running, and the rollback's cut-back "
                    + "is the way back"
            }
        }
        overall.error = problem
        overall.steps = records
        return overall
    }

    /// Undoes the steps at `indices` (done ones), last first, in a task an interrupt cannot reach.
    /// Returns what happened, in words.
    private func undo(
        _ indices: [Int], of spec: CutoverSpec, into records: inout [CutoverStepRecord], context: TemplateContext
    ) async -> String {
        var undone: [String] = []
        var left: [String] = []
        for index in indices.reversed() {
            let step = spec.steps[index]
            guard let undo = step.undo else {
                records[index].outcome = .notUndone
                left.append("'\(step.name)' (it names no undo)")
                continue
            }
            observe("undo \(step.name)")
            let undoContext = context.adding([TemplateVariables.cutoverID: records[index].call.id ?? ""])
            let record = await Task.detached { [self] in await perform(undo, context: undoContext) }.value
            records[index].undo = record
            if record.succeeded {
                records[index].outcome = .undone
                undone.append("'\(step.name)'")
            } else {
                records[index].outcome = .undoFailed
                left.append("'\(step.name)' (its undo failed: \(record.error ?? "no reason given"))")
            }
        }
        var words: [String] = []
        if !undone.isEmpty { words.append("undone, last first: \(undone.joined(separator: ", "))") }
        if !left.isEmpty { words.append("NOT undone: \(left.joined(separator: "; "))") }
        return words.joined(separator: "; ")
    }
}
