import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// When a process a run left behind (a watchdog, a delayer) decides the run is over: here, a
/// missing heartbeat with a live runner is a run starting up; on an SSH host, where there is no
/// runner pid to look at, the switch's heartbeat missing is the end.
@Suite struct RunnerLifelineTests {
    static func heartbeat(_ scratch: Scratch, age: TimeInterval? = nil) -> String {
        let path = scratch.path("gameday-switch-run-fault-host.heartbeat")
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        if let age {
            let then = Date().addingTimeInterval(-age)
            try? FileManager.default.setAttributes([.modificationDate: then], ofItemAtPath: path)
        }
        return path
    }

    static let later = Date().timeIntervalSince1970 + 600

    @Test func onAnSSHHostAMissingHeartbeatEndsTheRun() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let lifeline = RunnerLifeline.onRemoteHost(
            switchHeartbeat: scratch.path("never-armed.heartbeat"), timeout: .seconds(10), deadline: Self.later)
        #expect(lifeline.runnerPid == RunnerLifeline.notOnThisHost)
        let ended = try #require(lifeline.ended())
        #expect(ended.contains("dead-man's switch fired or was disarmed"), "\(ended)")
    }

    @Test func onAnSSHHostAFreshHeartbeatKeepsItAndASilentOneEndsIt() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let fresh = RunnerLifeline.onRemoteHost(
            switchHeartbeat: Self.heartbeat(scratch), timeout: .seconds(10), deadline: Self.later)
        #expect(fresh.ended() == nil)
        let silent = RunnerLifeline.onRemoteHost(
            switchHeartbeat: Self.heartbeat(scratch, age: 30), timeout: .seconds(10), deadline: Self.later)
        #expect(silent.ended()?.contains("silent for") == true, "\(silent.ended() ?? "nil")")
        let late = RunnerLifeline.onRemoteHost(
            switchHeartbeat: Self.heartbeat(scratch), timeout: .seconds(10),
            deadline: Date().timeIntervalSince1970 - 1)
        #expect(late.ended() == "the drill's maximum duration passed")
    }

    @Test func hereAMissingHeartbeatWithALiveRunnerIsARunStartingUp() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let missing = scratch.path("run.heartbeat")
        let starting = RunnerLifeline(
            heartbeat: missing, timeout: .seconds(10), deadline: Self.later, runnerPid: getpid())
        #expect(starting.ended() == nil)
        // No process has the largest pid (pid_max is at most 2^22).
        let gone = RunnerLifeline(heartbeat: missing, timeout: .seconds(10), deadline: Self.later, runnerPid: .max)
        #expect(gone.ended() == "the runner (pid \(Int32.max)) is gone")
    }

    /// `gameday delayer` reads `--runner-pid 0` as "no runner on this host": the options stay the same.
    @Test func aRemoteLifelineTravelsAsRunnerPidZero() {
        let lifeline = RunnerLifeline.onRemoteHost(
            switchHeartbeat: "/tmp/s.heartbeat", timeout: .seconds(6), deadline: 10)
        #expect(
            lifeline.arguments == [
                "--heartbeat", "/tmp/s.heartbeat", "--timeout", "6s", "--deadline", "10.000", "--runner-pid", "0",
            ])
        let launch = DelayerLaunch.onRemoteHost(
            executable: "/opt/gameday", switchHeartbeat: "/tmp/s.heartbeat", timeout: .seconds(6), deadline: 10)
        #expect(launch.remote && launch.directory == "/tmp")
    }
}
