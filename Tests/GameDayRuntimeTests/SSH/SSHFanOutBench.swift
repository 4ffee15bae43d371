import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// Times opening the connections, then a fault's apply and revert through them, across 1, 5 and
/// 20 real sshd hosts, and N hosts each sleeping 1 s. It measures and prints, never asserts a time
/// (a loaded machine would make that flaky); `bench/ssh-fanout.sh` runs it, the numbers go to
/// bench/RESULTS.md by hand.
@Suite(
    .serialized, .tags(.sshd),
    .enabled(
        if: ProcessInfo.processInfo.environment["GAMEDAY_SSH_BENCH"] == "1",
        "a benchmark: set GAMEDAY_SSH_BENCH=1 (bench/ssh-fanout.sh does)"),
    .enabled(if: SSHFleet.unavailableReason() == nil, Comment(rawValue: SSHFleet.unavailableReason() ?? "")))
struct SSHFanOutBench {
    @Test(arguments: [1, 5, 20])
    func applyAndRevertOneFault(hosts count: Int) async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: count) { fleet in
            for host in fleet.hosts { try await fleet.startService(on: host) }
            let executors = fleet.hosts.map { fleet.executor($0) }
            let fanOut = FanOut(concurrency: 32, timeout: .seconds(60))
            let clock = ContinuousClock()
            var results: [FanOutResult] = []
            // A drill's preflight opens the masters; the fault itself then costs one round trip per host.
            let connect = await clock.measure { results.append(await fanOut.run([["true"]], on: executors)) }
            let apply = await clock.measure {
                results.append(await fanOut.run([SSHFleetTests.killService(fleet)], on: executors))
            }
            let revert = await clock.measure {
                results.append(await fanOut.run([SSHFleetTests.restartService(fleet)], on: executors))
            }
            let sleep = await clock.measure { results.append(await fanOut.run([["sleep", "1"]], on: executors)) }
            for executor in executors { await executor.close() }
            for result in results { #expect(result.outcome == .complete, "\(result.summary)") }
            print(
                "ssh-fanout hosts=\(count) connect_ms=\(Self.ms(connect)) apply_ms=\(Self.ms(apply)) "
                    + "revert_ms=\(Self.ms(revert)) sleep1_ms=\(Self.ms(sleep))")
        }
    }

    static func ms(_ duration: Duration) -> String { String(format: "%.0f", duration.milliseconds) }
}
