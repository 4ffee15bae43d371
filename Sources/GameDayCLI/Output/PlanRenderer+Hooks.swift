import GameDayCore

extension PlanRenderer {
    /// The hooks around the phases, the target's first, with when each runs and what its failure does.
    var hookLines: [String] {
        let declared = target.hooks.map { ($0, "target") } + drill.hooks.map { ($0, "drill") }
        guard !declared.isEmpty else { return [] }
        return ["hooks (output in the archive's hooks/ folder):"]
            + declared.map { hook, source in
                let failure =
                    hook.onFailure == .abort
                    ? "a failure stops the run, nothing applied (exit 3)" : "a failure is a warning"
                return "   \(hook.moment): \(hook.name) (\(source)): \(command(hook.run)); "
                    + "killed after \(DurationText.format(hook.timeout)); \(failure)"
            }
    }

    /// The target's webhooks; a secret URL is never shown.
    var notifyLines: [String] {
        guard !target.notify.isEmpty else { return [] }
        return ["notify (start, early stop, cut-over, end; a failure is a warning):"]
            + target.notify.map { "   POST \($0.display) (\($0.format.rawValue) body)" }
    }
}
