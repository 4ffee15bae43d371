import ArgumentParser
import Dispatch
import Foundation
import GameDayCore
import GameDayRuntime
import Synchronization

extension GameDay {
    /// The latency fault's nfqueue delayer, which a run leaves beside its rule (not for people to run).
    struct DelayerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delayer", abstract: "Hold the packets queued to an NFQUEUE queue for a delay.",
            shouldDisplay: false)

        /// How the run finds this delayer again (`--tag gameday_<run>_<slot>/delayer`).
        @Option var tag: String?
        @Option var queue: UInt16
        @Option(transform: Self.duration) var delay: Duration = .zero
        @Option(transform: Self.duration) var jitter: Duration = .zero
        @Option var loss: Double = 0
        @Flag var reorder = false
        @Option var heartbeat: String?
        @Option(transform: Self.duration) var timeout: Duration = .seconds(10)
        @Option var deadline: Double?
        @Option(name: .customLong("runner-pid")) var runnerPid: Int32?
        /// Written once the queue is bound.
        @Option var ready: String?

        static func duration(_ text: String) throws -> Duration {
            guard let duration = DurationText.parse(text), duration >= .zero, duration <= .seconds(3600) else {
                throw ValidationError("expected a duration from 0s to 1h (such as 200ms), not '\(text)'")
            }
            return duration
        }

        func validate() throws {
            guard (0...100).contains(loss) else { throw ValidationError("--loss takes a percentage from 0 to 100") }
            guard heartbeat == nil || (deadline != nil && runnerPid != nil) else {
                throw ValidationError("--heartbeat needs --deadline and --runner-pid")
            }
        }

        func run() async throws {
            let lifeline = heartbeat.map { heartbeat in
                RunnerLifeline(
                    heartbeat: heartbeat, timeout: timeout, deadline: deadline ?? 0, runnerPid: runnerPid ?? 0)
            }
            let signalled = Signalled()
            let code = await DelayerMain.run(
                queue: queue,
                schedule: DelaySchedule(delay: delay, jitter: jitter, lossPercent: loss, keepOrder: !reorder),
                lifeline: lifeline, ready: ready, stop: { [received = signalled.received] in received.reason() },
                say: { line in print(line) })
            withExtendedLifetime(signalled) {}
            if code != 0 { throw ExitCode(code) }
        }
    }
}

/// SIGTERM, SIGINT and SIGHUP, caught: the delayer lets its packets go before it exits.
private final class Signalled {
    /// The first signal received, for the delayer's loop to read.
    final class Received: Sendable {
        private let name = Mutex<String?>(nil)

        func note(_ signal: String) { name.withLock { $0 = $0 ?? signal } }
        func reason() -> String? { name.withLock { $0 } }
    }

    let received = Received()
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for (number, name) in [(SIGTERM, "TERM"), (SIGINT, "INT"), (SIGHUP, "HUP")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [received] in received.note("SIG\(name)") }
            source.resume()
            sources.append(source)
        }
    }
}
