import GameDayCore

/// Runs a pod fault's revert steps (`PodRevertStep`) with kubectl on this host: for the driver's
/// own revert, the watchdog and `gameday recover` alike, so all three judge an outcome the same way.
public struct PodRecipe: Sendable {
    /// Where kubectl runs.
    public var base: any CommandExecutor
    /// Between two listings of an `awaitServing` step.
    public var pollInterval: Duration

    public init(base: any CommandExecutor = LocalExecutor(), pollInterval: Duration = .milliseconds(500)) {
        self.base = base
        self.pollInterval = pollInterval
    }

    /// Runs `step`; returns what was done, or throws `RecipeError` saying why the fault may remain.
    public func run(_ step: PodRevertStep, timeout: Duration = .seconds(150)) async throws(RecipeError) -> String {
        switch step {
        case .command(let argv, _, _):
            let output: CommandOutput
            do {
                // A margin over `timeout`: a `kubectl wait --timeout` bounded by it then says so itself.
                output = try await base.run(argv, timeout: timeout + .seconds(15))
            } catch {
                throw RecipeError("\(Self.shown(argv)) could not run: \(error)")
            }
            switch step.outcome(of: output) {
            case .reverted?:
                let said = output.stdout.split(whereSeparator: \.isNewline).last.map { " (\($0))" } ?? ""
                return Self.shown(argv) + said
            case .nothingLeft(let failure)?:
                return "nothing left to revert" + (failure.map { " (\(Self.gone($0)))" } ?? "")
                    + ": \(Self.shown(argv))"
            case .failed(let why)?: throw RecipeError("\(Self.shown(argv)) failed: \(why)")
            case nil: throw RecipeError("not a command step")
            }
        case .awaitServing(let argv, let count, let excluding):
            let deadline = ContinuousClock.now + timeout
            var last = "no answer yet"
            while true {
                if let output = try? await base.run(argv, timeout: .seconds(30)) {
                    if output.exitCode == 0, let report = try? PodStatusReport.parse(output.stdout) {
                        if PodRevertStep.isServing(report, count: count, excludingUIDs: excluding) {
                            return "\(report.serving.count) pod(s) serve again: "
                                + report.serving.map(\.name).joined(separator: ", ")
                        }
                        last = "\(report.serving.count) of \(count) serving"
                    } else {
                        last = output.lastLine
                    }
                }
                guard ContinuousClock.now < deadline else { break }
                try? await Task.sleep(for: pollInterval)
            }
            throw RecipeError(
                "fewer than \(count) pod(s) serve \(DurationText.format(timeout)) after the fault (\(last)); "
                    + "check the workload: \(Self.shown(argv))")
        }
    }

    /// Why a kubectl failure means the fault went: what is gone.
    static func gone(_ failure: KubectlFailure) -> String {
        switch failure {
        case .podNotFound: "the pod is gone"
        case .containerNotFound, .containerNotRunning: "the container no longer runs"
        default: failure.explanation
        }
    }

    /// The command as a person would type it again.
    static func shown(_ argv: [String]) -> String { argv.joined(separator: " ") }
}
