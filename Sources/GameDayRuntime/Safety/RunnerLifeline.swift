import Foundation
import GameDayCore

/// How a process left behind by a run (a watchdog, the latency fault's delayer) tells that the
/// run is over: the runner's heartbeat silent for longer than `timeout`, the runner gone, or the
/// drill's maximum duration passed.
///
/// On an SSH host there is no runner to look for: the heartbeat is the host's dead-man's switch's
/// file, which exists from the switch's arming on and is removed when it fires or is disarmed, so
/// there a missing heartbeat alone ends the run (`runnerPid` is `notOnThisHost`).
public struct RunnerLifeline: Sendable, Hashable {
    public var heartbeat: String
    /// How long the heartbeat may be silent.
    public var timeout: Duration
    /// Unix seconds after which the run is over whatever happens.
    public var deadline: Double
    /// The runner's pid on this host, or `notOnThisHost`.
    public var runnerPid: Int32

    /// The runner pid of a lifeline on another host than the runner's. 0 is no process's pid (and
    /// `--runner-pid 0` is what `gameday delayer` has always read as "none"), so the command-line
    /// options stay the same for both kinds.
    public static let notOnThisHost: Int32 = 0

    public init(heartbeat: String, timeout: Duration, deadline: Double, runnerPid: Int32) {
        self.heartbeat = heartbeat
        self.timeout = timeout
        self.deadline = deadline
        self.runnerPid = runnerPid
    }

    /// The lifeline of a process on an SSH host: its dead-man's switch's heartbeat file there.
    public static func onRemoteHost(switchHeartbeat: String, timeout: Duration, deadline: Double) -> RunnerLifeline {
        RunnerLifeline(heartbeat: switchHeartbeat, timeout: timeout, deadline: deadline, runnerPid: notOnThisHost)
    }

    /// Why the run is over, or nil while it is not.
    public func ended() -> String? {
        if Date().timeIntervalSince1970 > deadline { return "the drill's maximum duration passed" }
        guard let age = Heartbeat.age(of: heartbeat) else {
            guard runnerPid > 0 else {
                // Made when the switch was armed, before this process started: gone means fired or disarmed.
                return "the heartbeat \(heartbeat) is gone (the host's dead-man's switch fired or was disarmed)"
            }
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
