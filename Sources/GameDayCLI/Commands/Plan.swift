import ArgumentParser
import GameDayCore
import GameDayRuntime

extension GameDay {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show what a run would do: each phase, each fault's exact commands, each probe, the cut-over request.",
            discussion: "Nothing is changed and nothing is sent. Secrets are shown as ***.")

        @OptionGroup var files: DrillFileOptions

        func run() async throws {
            let loaded = try LoadedDrill.load(files)
            Terminal.out(
                PlanRenderer(
                    drill: loaded.drill, target: loaded.target,
                    faults: CompositeFaultDriver(
                        process: ProcessFaultDriver(), network: NetworkFaultDriver(runId: "plan"),
                        proxy: ProxyFaultDriver(runId: "plan"), ssh: SSHProcessFaultDriver(runId: "plan"),
                        sshNetwork: SSHNetworkFaultDriver(session: SSHHostSession(runId: "plan")),
                        kubernetes: KubernetesFaultDriver(runId: "plan", switchLifetime: loaded.drill.maximumDuration))
                ).render())
        }
    }
}
