import ArgumentParser
import GameDayCore
import GameDayRuntime

/// The drill and target files a command works on.
struct DrillFileOptions: ParsableArguments {
    @Argument(help: "The drill file (YAML).")
    var drill: String

    @Option(name: .shortAndLong, help: "The target file (YAML): the inventory of the environment to drill.")
    var target: String
}

/// A drill and its target, loaded and checked against each other.
struct LoadedDrill {
    var drill: Drill
    var target: Target

    /// Loads both files; prints every diagnostic of both and throws `ExitCode(2)` when any is an error.
    static func load(_ options: DrillFileOptions) throws -> LoadedDrill {
        var diagnostics: [Diagnostic] = []
        var drill: Drill?
        var target: Target?
        do { drill = try DrillLoader.loadDrill(path: options.drill) } catch { diagnostics += error.diagnostics }
        do { target = try DrillLoader.loadTarget(path: options.target) } catch { diagnostics += error.diagnostics }
        // Values that become kubectl arguments are checked by the rules kubectl's side has.
        if let loaded = target { diagnostics += PodService.problems(in: loaded) }
        if let drill, let target { diagnostics += DrillValidator.check(drill, against: target) }
        for diagnostic in diagnostics { Terminal.err(diagnostic.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        guard errors == 0, let drill, let target else {
            Terminal.err("gameday: \(errors) error\(errors == 1 ? "" : "s"); nothing was run")
            throw ExitCode(RunOutcome.invalid.exitCode)
        }
        return LoadedDrill(drill: drill.resolvingUserGroups(with: target.routing), target: target)
    }
}
