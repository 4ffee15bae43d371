import ArgumentParser
import GameDayCore
import GameDayRuntime

extension GameDay {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show what a run would do: each phase, each fault's exact commands, each probe, the cut-over request.",
            discussion:
                "Nothing is changed and nothing is sent. Secrets are shown as ***, the values of secret variables too.")

        @OptionGroup var files: DrillFileOptions

        func run() async throws {
            if DrillLoader.kind(ofFileAt: files.drill, from: LocalFileSystem()) == .gameDay {
                Terminal.out(GameDayPlanText(try LoadedGameDay.load(files)).render())
                return
            }
            let loaded = try LoadedDrill.load(files)
            let plan = PlanRenderer(
                drill: loaded.drill, target: loaded.target,
                // The very drivers a run uses: a plan cannot show other commands than the run sends.
                faults: DrillSession.faults(
                    runId: "plan", drill: loaded.drill, watchdogTimeout: .seconds(10),
                    hosts: SSHHostSession(runId: "plan"))
            ).render()
            Terminal.out(VariableLines(variables: loaded.variables).added(to: plan))
        }
    }
}
