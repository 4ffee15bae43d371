import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// The switch a fault leaves on a host: its commands exactly, and its loop run for real, here and
/// on real sshd hosts, firing when the heartbeats stop and never after a disarm.
@Suite struct RemoteDeadMansSwitchTests {
    @Test func itsCommandsAreExactArgv() throws {
        let dms = try RemoteDeadMansSwitch(
            directory: "/run/gameday/", id: "a1b2c3d4-product-down-3", timeout: .seconds(10))
        #expect(dms.heartbeat == "/run/gameday/gameday-switch-a1b2c3d4-product-down-3.heartbeat")
        let arm = try dms.armCommand(revert: ["systemctl", "start", "product; rm -rf /"])
        #expect(
            arm.prefix(3) == [
                "sh", "-c", #"setsid sh -c "$0" gameday-switch "$@" </dev/null >/dev/null 2>&1 & echo $!"#,
            ])
        #expect(arm.suffix(5) == [dms.heartbeat, "10", "systemctl", "start", "product; rm -rf /"])
        #expect(dms.heartbeatCommand == ["touch", "-c", "--", dms.heartbeat])
        #expect(dms.disarmCommand == ["sh", "-c", #"[ -e "$0" ] && touch -- "$0.disarmed"; exit 0"#, dms.heartbeat])
        #expect(try RemoteDeadMansSwitch(directory: "/tmp", id: "x", timeout: .milliseconds(2_500)).timeoutSeconds == 3)
    }

    @Test func badSettingsAreRefused() {
        #expect(throws: SSHError.self) { try RemoteDeadMansSwitch(directory: "tmp", id: "x", timeout: .seconds(5)) }
        #expect(throws: SSHError.self) { try RemoteDeadMansSwitch(directory: "/tmp", id: "a/b", timeout: .seconds(5)) }
        #expect(throws: SSHError.self) { try RemoteDeadMansSwitch(directory: "/tmp", id: "-rf", timeout: .seconds(5)) }
        #expect(throws: SSHError.self) { try RemoteDeadMansSwitch(directory: "/tmp", id: "x y", timeout: .seconds(5)) }
        #expect(throws: SSHError.self) { try RemoteDeadMansSwitch(directory: "/tmp", id: "x", timeout: .seconds(1)) }
        #expect(throws: SSHError.self) {
            try RemoteDeadMansSwitch(directory: "/tmp", id: "x", timeout: .seconds(5)).armCommand(revert: [])
        }
    }

    /// The loop itself, on this host: no heartbeat, so it fires; the revert's argv arrives whole.
    @Test func withoutHeartbeatsTheLoopRunsTheRevertItself() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dms = try RemoteDeadMansSwitch(directory: directory, id: "local-fire", timeout: .seconds(2))
        let marker = "\(directory)/reverted; it's \"here\""
        let local = LocalExecutor()
        let armed = try await local.run(try dms.armCommand(revert: ["touch", marker]), timeout: .seconds(5))
        #expect(armed.exitCode == 0, "\(armed.stderr)")
        #expect(Int32(armed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) != nil, "it prints its pid")
        #expect(await Self.eventually(seconds: 8) { FileManager.default.fileExists(atPath: marker) })
        #expect(try await local.run(dms.stateCommand, timeout: .seconds(5)).stdout == "fired\n")
        #expect(!FileManager.default.fileExists(atPath: dms.heartbeat), "the heartbeat file is gone")
        // A heartbeat or a disarm after the firing leaves no file behind.
        _ = try await local.run(dms.heartbeatCommand, timeout: .seconds(5))
        _ = try await local.run(dms.disarmCommand, timeout: .seconds(5))
        #expect(!FileManager.default.fileExists(atPath: dms.heartbeat))
        #expect(!FileManager.default.fileExists(atPath: dms.heartbeat + ".disarmed"))
    }

    @Test func heartbeatsHoldItAndADisarmEndsItWithoutReverting() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A timeout well above the heartbeat interval: on a loaded machine a heartbeat can come a
        // second or more late (a CI run once saw the 2 s switch fire between two of them).
        let dms = try RemoteDeadMansSwitch(directory: directory, id: "local-hold", timeout: .seconds(4))
        let marker = "\(directory)/reverted"
        let local = LocalExecutor()
        let arming = ContinuousClock.now
        let armed = try await local.run(try dms.armCommand(revert: ["touch", marker]), timeout: .seconds(5))
        let pid = try #require(Int32(armed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        // Eight seconds of heartbeats, twice the timeout: it must hold — as long as they really came
        // in time. On a starved machine a heartbeat can be seconds late, and then the switch may
        // rightly fire; the guarantee is only for gaps a second below the timeout (it counts whole
        // seconds), so that is what is asserted.
        // A touch lands somewhere within its command's run, so two touches are at most as far apart
        // as the start of the first command and the end of the next (the arming's own touch first).
        var previousStart = arming
        var widest = Duration.zero
        for _ in 0..<16 {
            let start = ContinuousClock.now
            _ = try await local.run(dms.heartbeatCommand, timeout: .seconds(5))
            widest = max(widest, ContinuousClock.now - previousStart)
            previousStart = start
            try await Task.sleep(for: .milliseconds(500))
        }
        guard widest < .seconds(3) else {
            print("heartbeats came \(widest) apart on this loaded machine: the switch may fire; not asserted")
            _ = try await local.run(dms.disarmCommand, timeout: .seconds(5))
            _ = await Self.eventually(seconds: 5) { kill(pid, 0) != 0 }
            return
        }
        #expect(!FileManager.default.fileExists(atPath: marker), "it fired while the heartbeats came")
        #expect(try await local.run(dms.stateCommand, timeout: .seconds(5)).stdout == "armed\n")
        _ = try await local.run(dms.disarmCommand, timeout: .seconds(5))
        #expect(await Self.eventually(seconds: 5) { kill(pid, 0) != 0 }, "the loop ended")
        try await Task.sleep(for: .seconds(5))
        #expect(!FileManager.default.fileExists(atPath: marker), "a disarmed switch never reverts")
        #expect(try await local.run(dms.stateCommand, timeout: .seconds(5)).stdout == "")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "a disarmed switch leaves nothing")
    }

    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dms-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func eventually(seconds: Int, _ condition: () -> Bool) async -> Bool {
        for _ in 0..<(seconds * 10) {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }
}
