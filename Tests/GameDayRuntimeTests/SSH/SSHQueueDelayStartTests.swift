import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// The one-round-trip start of a delayer on an SSH host, run here (the script is POSIX sh): a
/// delayer that cannot start is reported in its own words, and none starts before the host's
/// switch is armed (its heartbeat is the delayer's lifeline).
@Suite struct SSHQueueDelayStartTests {
    static func process(_ scratch: Scratch, executable: String) -> DelayerProcess {
        var process = DelayerProcess(
            launch: .onRemoteHost(
                executable: executable, switchHeartbeat: scratch.path("gameday-switch-r-f-h.heartbeat"),
                timeout: .seconds(5), deadline: Date().timeIntervalSince1970 + 60))
        process.readyTimeout = .seconds(2)
        return process
    }

    static func delay() throws -> (QueuedDelay, FirewallScope) {
        let scope = try FirewallScope(runID: "start01", slot: 1)
        let block = try PortBlock(
            direction: .inbound, ports: [FirewallPortRange(9918)], action: .queue,
            queue: QueuedDelay.firstQueue(runID: "start01", slot: 1))
        return (QueuedDelay(block: block, delay: .milliseconds(100)), scope)
    }

    @Test func aDelayerThatCannotStartIsReportedInItsOwnWords() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let process = Self.process(scratch, executable: "/nonexistent/gameday")
        _ = FileManager.default.createFile(atPath: process.launch.lifeline.heartbeat, contents: Data())
        let (delay, scope) = try Self.delay()
        #expect(process.files(scope).log == scratch.path("gameday-switch-r-f-h.delayer.log"))
        do {
            _ = try await process.start(delay, scope: scope, via: LocalExecutor())
            Issue.record("a missing gameday started")
        } catch {
            #expect(error.description.contains("/nonexistent/gameday"), "\(error)")
        }
    }

    @Test func noDelayerStartsBeforeTheSwitchIsArmed() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let process = Self.process(scratch, executable: "/bin/true")
        let (delay, scope) = try Self.delay()
        do {
            _ = try await process.start(delay, scope: scope, via: LocalExecutor())
            Issue.record("started without the switch's heartbeat")
        } catch {
            #expect(error.description.contains("the switch is not armed"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: process.files(scope).log), "nothing was started")
    }
}
