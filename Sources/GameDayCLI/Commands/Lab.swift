import ArgumentParser

extension GameDay {
    /// `gameday lab ...`: the reference multi-unit lab on this machine.
    struct Lab: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lab",
            abstract:
                "Start, stop and inspect the reference lab (gateway, control plane, units beijing, hangzhou or --units).",
            discussion: """
                Every service is its own process on 127.0.0.1, started by a supervisor of its own that logs \
                when it stops (D/services.jsonl), both detached so they outlive the command; with \
                'lab up --isolation netns' (root) each unit's services run in the unit's own network namespace.
                'lab up' writes D/target.yaml, a target file that drills can run against.
                """,
            subcommands: [
                Up.self, Down.self, Status.self, RestartService.self, Serve.self, Supervise.self, Companion.self,
            ]
        )
    }
}
