import ArgumentParser
import GameDayCore
import GameDayRuntime

/// The drill and target files a command works on.
struct DrillFileOptions: ParsableArguments {
    @Argument(help: "The drill file (YAML).")
    var drill: String

    @Option(name: .shortAndLong, help: "The target file (YAML): the inventory of the environment to drill.")
    var target: String

    @OptionGroup var variables: VariableOptions
}

/// A drill and its target, loaded and checked against each other.
struct LoadedDrill {
    var drill: Drill
    var target: Target
    /// What `{{vars.NAME}}` was filled with in both.
    var variables = Variables()

    /// Loads both files; prints every diagnostic of both and throws `ExitCode(2)` when any is an error.
    static func load(_ options: DrillFileOptions) throws -> LoadedDrill {
        let given = options.variables.load()
        let variables = given.variables
        var diagnostics = given.diagnostics
        var usage = VariableUsage()
        var drill: Drill?
        var target: Target?
        do {
            drill = try DrillLoader.loadDrill(path: options.drill, variables: variables, usage: &usage)
        } catch {
            diagnostics += error.diagnostics
        }
        do {
            target = try DrillLoader.loadTarget(path: options.target, variables: variables, usage: &usage)
        } catch {
            diagnostics += error.diagnostics
        }
        diagnostics += variables.unused(usage)
        // Values that become kubectl arguments are checked by the rules kubectl's side has.
        if let loaded = target { diagnostics += PodService.problems(in: loaded) }
        if let drill, let target { diagnostics += DrillValidator.check(drill, against: target) }
        for diagnostic in diagnostics { Terminal.err(diagnostic.description) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        guard errors == 0, let drill, let target else {
            Terminal.err("gameday: \(errors) error\(errors == 1 ? "" : "s"); nothing was run")
            throw ExitCode(RunOutcome.invalid.exitCode)
        }
        return LoadedDrill(
            drill: drill.resolvingUserGroups(with: target.routing), target: target, variables: variables)
    }
}
