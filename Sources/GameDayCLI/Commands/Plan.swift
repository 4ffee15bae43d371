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
        @OptionGroup var watchdog: WatchdogOptions

        func run() async throws {
            Terminal.out(try text())
        }

        /// The plan of the drill or game day, with the drivers a run with the same
        /// `--watchdog-timeout` uses: a plan cannot show other commands than the run sends.
        func text() throws -> String {
            if DrillLoader.kind(ofFileAt: files.drill, from: LocalFileSystem()) == .gameDay {
                return GameDayPlanText(try LoadedGameDay.load(files), watchdogTimeout: watchdog.watchdogTimeout)
                    .render()
            }
            let loaded = try LoadedDrill.load(files)
            let plan = PlanRenderer(
                drill: loaded.drill, target: loaded.target,
                faults: DrillSession.plannedFaults(drill: loaded.drill, watchdogTimeout: watchdog.watchdogTimeout)
            ).render()
            return VariableLines(variables: loaded.variables).added(to: plan)
        }
    }
}
