extension DrillRunner {
    /// Runs the hooks around `phase` (when the environment has any), telling them what the
    /// journal knows.
    func enterHooks(_ phase: RunPhase, _ journal: RunJournal) async -> HookStop? {
        guard let hooks = env.hooks else { return nil }
        let entry = PhaseEntry(
            at: env.clock.now(), stopReason: await journal.reason, interrupted: await journal.interruption != nil,
            cutover: await journal.cutover)
        return await hooks.entering(phase, entry)
    }

    /// Starts a phase before which nothing is applied yet (preflight, steady state, inject): a
    /// hook with `on_failure: abort` that fails stops the run here, with nothing applied.
    @discardableResult
    func beginBeforeHarm(_ phase: RunPhase, _ journal: RunJournal, _ store: SampleStore) async throws -> Duration {
        if let stop = await enterHooks(phase, journal) {
            throw RunStop(.error, "hook \(stop.hook) failed: \(stop.failure); nothing was applied")
        }
        return await mark(phase, journal, store)
    }
}
