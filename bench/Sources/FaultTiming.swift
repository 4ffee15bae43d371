import GameDayCore
import GameDayRuntime

/// How long one fault kind takes to be applied (and proven) and reverted through its driver,
/// beside the time the same executor takes to run `true`, measured interleaved with them.
struct FaultTiming: Sendable {
    var kind: String
    var executor: String
    var reference = Samples()
    var apply = Samples()
    var revert = Samples()

    /// Applies and reverts `fault` `runs` times. Each apply and each revert is preceded by one
    /// reference run of `true`, so that both see the same machine load.
    ///
    /// As in a drill, the fault is checked once (preflight) and its ledger recipe is computed
    /// before each apply; neither is timed: the runner's own clock starts at the apply.
    static func measure(
        kind: String, fault: FaultSpec, in target: Target, driver: any FaultDriver,
        reference executor: any CommandExecutor, runs: Int
    ) async throws -> FaultTiming {
        var timing = FaultTiming(kind: kind, executor: executor.name)
        let clock = ContinuousClock()
        _ = try await driver.check(fault, in: target)
        for _ in 1...runs {
            timing.reference.append(try await Self.reference(executor))
            _ = try await driver.recipe(for: fault, in: target)
            var start = clock.now
            let applied = try await driver.apply(fault, in: target)
            timing.apply.append(start.duration(to: clock.now))
            do {
                timing.reference.append(try await Self.reference(executor))
                start = clock.now
                _ = try await driver.revert(applied, in: target)
                timing.revert.append(start.duration(to: clock.now))
            } catch {
                // Never leave the fault behind: one more revert, whatever failed.
                _ = try? await driver.revert(applied, in: target)
                throw error
            }
        }
        return timing
    }

    /// The time to run `true` through `executor`: what spawning any command costs there.
    private static func reference(_ executor: any CommandExecutor) async throws -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let output = try await executor.run(["true"], timeout: .seconds(10))
        let elapsed = start.duration(to: clock.now)
        guard output.exitCode == 0 else {
            throw BenchError.commandFailed(argv: ["true"], exitCode: output.exitCode, lastLine: output.lastLine)
        }
        return elapsed
    }
}
