import ArgumentParser
import GameDayCore
import GameDayRuntime

extension GameDay.Run {
    /// `gameday run GAMEDAY.yaml`: every drill loaded and checked first, then run in order.
    func runGameDay(settings: DrillSession.Settings) async throws -> Int32 {
        if metricsFile != nil {
            // One textfile holds one run's figures; a game day's drills each push their own group.
            Terminal.err(
                "gameday: --metrics-file takes the figures of one drill; for a game day use --pushgateway, "
                    + "where each drill is a group of its own")
            throw ExitCode(RunOutcome.invalid.exitCode)
        }
        let loaded = try LoadedGameDay.load(files)
        let decisions = try loaded.drills.map { try decision.source(for: $0) }
        let session = GameDaySession(
            plan: loaded.plan, drills: loaded.drills, variables: loaded.variables.map(\.shown), target: loaded.target,
            settings: settings, decisions: decisions)
        return await GameDayService(
            session: session,
            presentation: RunService.Presentation(verbosity: quiet ? .quiet : verbose ? .verbose : .normal, json: json)
        ).execute()
    }
}
