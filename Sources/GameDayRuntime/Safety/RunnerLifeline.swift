import Foundation
import GameDayCore

/// How a process left behind by a run (a watchdog, the latency fault's delayer) tells that the
/// run is over: the runner's heartbeat silent for longer than `timeout`, the runner gone, or the
/// drill's maximum duration passed.
public struct RunnerLifeline: Sendable, Hashable {
    public var heartbeat: String
    /// How long the heartbeat may be silent.
    public var timeout: Duration
    /// Unix seconds after which the run is over whatever happens.
    public var deadline: Double
    public var runnerPid: Int32

    public init(heartbeat: String, timeout: Duration, deadline: Double, runnerPid: Int32) {
        self.heartbeat = heartbeat
        self.timeout = timeout
        self.deadline = deadline
        self.runnerPid = runnerPid
    }

    /// Why the run is over, or nil while it is not.
    public func ended() -> String? {
        if Date().timeIntervalSince1970 > deadline { return "the drill's maximum duration passed" }
        guard let age = Heartbeat.age(of: heartbeat) else {
            // The runner removes its heartbeat when it exits; a live runner without one is starting up.
            return ProcessTable().isAlive(runnerPid) ? nil : "the runner (pid \(runnerPid)) is gone"
        }
        if age > timeout.milliseconds / 1000 {
            return "the runner's heartbeat has been silent for \(String(format: "%.1f", age))s"
        }
        return nil
    }

    /// The command-line options that carry it to a `gameday watchdog` or `gameday delayer`.
    public var arguments: [String] {
        [
            "--heartbeat", heartbeat, "--timeout", DurationText.format(timeout), "--deadline",
            String(format: "%.3f", deadline), "--runner-pid", String(runnerPid),
        ]
    }
}
