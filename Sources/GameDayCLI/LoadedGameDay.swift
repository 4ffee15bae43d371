import ArgumentParser
import GameDayCore
import GameDayRuntime

/// A game day and its drills, loaded and checked against the target: every problem of every file
/// before anything runs.
struct LoadedGameDay {
    var plan: GameDayPlan
    var drills: [Drill]
    var target: Target
    /// Each drill's variables: the command line's, the game day's, the entry's.
    var variables: [Variables]

    /// Loads the game day, its drills and the target; prints every diagnostic and throws `ExitCode(2)`
    /// when any is an error.
    static func load(_ options: DrillFileOptions) throws -> LoadedGameDay {
        let given = options.variables.load()
        var diagnostics = given.diagnostics
        var targetUsage = VariableUsage()
        var target: Target?
        do {
            target = try DrillLoader.loadTarget(
                path: options.target, variables: given.variables, usage: &targetUsage)
        } catch {
            diagnostics += error.diagnostics
        }
        var loaded: (plan: GameDayPlan?, drills: [Drill], diagnostics: [Diagnostic]) = (nil, [], [])
        if let target {
            diagnostics += PodService.problems(in: target)
            loaded = DrillLoader.loadGameDay(
                path: options.drill, target: target, variables: given.variables, usage: &targetUsage,
                from: LocalFileSystem())
            diagnostics += loaded.diagnostics + given.variables.unused(targetUsage)
        }
        for diagnostic in diagnostics { Terminal.err(diagnostic.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        guard errors == 0, let target, let plan = loaded.plan, loaded.drills.count == plan.entries.count else {
            Terminal.err("gameday: \(max(errors, 1)) error\(errors == 1 ? "" : "s"); nothing was run")
            throw ExitCode(RunOutcome.invalid.exitCode)
        }
        let variables = plan.entries.map { entry in
            var all = given.variables
            for variable in plan.variables + entry.variables { all.add(variable) }
            return all
        }
        return LoadedGameDay(
            plan: plan, drills: loaded.drills.map { $0.resolvingUserGroups(with: target.routing) }, target: target,
            variables: variables)
    }
}
