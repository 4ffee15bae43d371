import GameDayCore
import GameDayRuntime

/// `gameday plan GAMEDAY.yaml`: the order, the pauses and the stop policy, then each drill's plan
/// as `plan` shows a drill's, with its variables.
struct GameDayPlanText {
    let loaded: LoadedGameDay
    /// The run's `--watchdog-timeout`, for the drivers' lifetimes.
    let watchdogTimeout: Duration

    init(_ loaded: LoadedGameDay, watchdogTimeout: Duration) {
        self.loaded = loaded
        self.watchdogTimeout = watchdogTimeout
    }

    func render() -> String {
        let plan = loaded.plan
        var lines = [
            "game day \(plan.name) (\(plan.file)) against target \(loaded.target.name) (\(loaded.target.file)): "
                + "\(plan.entries.count) drills in order, stop on \(plan.stopOn.rawValue)"
                + " (\(Self.policy(plan.stopOn))); every drill archived as by 'gameday run', the game day under "
                + "<output>/\(GameDaySession.directoryName)/\(plan.name)/"
        ]
        for (index, drill) in loaded.drills.enumerated() {
            let pause = plan.pause(after: index)
            let after = pause > .zero ? ", then a pause of \(DurationText.format(pause))" : ""
            lines.append("  \(index + 1). \(drill.name) (\(plan.entries[index].drill))\(after)")
        }
        for (index, drill) in loaded.drills.enumerated() {
            lines.append("")
            lines.append("=== drill \(index + 1) of \(loaded.drills.count) ===")
            let text = PlanRenderer(
                drill: drill, target: loaded.target,
                faults: DrillSession.plannedFaults(drill: drill, watchdogTimeout: watchdogTimeout)
            ).render()
            lines.append(VariableLines(variables: loaded.variables[index]).added(to: text))
        }
        return lines.joined(separator: "\n")
    }

    static func policy(_ policy: GameDayPlan.StopPolicy) -> String {
        switch policy {
        case .fail: "the first drill that fails or cannot run stops the game day"
        case .error: "only a drill that cannot run stops the game day"
        case .never: "every drill runs; only an interrupt stops the game day"
        }
    }
}
