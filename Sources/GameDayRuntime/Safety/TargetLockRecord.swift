import Foundation
import GameDayCore

/// What a target's lock file says of the run that holds it.
public struct TargetLockRecord: Sendable, Hashable, Codable {
    public var runId: String
    public var pid: Int32
    public var drill: String
    /// The holder's state directory (its ledger and heartbeats).
    public var stateDirectory: String
    /// ISO 8601 UTC.
    public var startedAt: String
    /// The target's name as the holder's file gives it.
    public var target: String
    public var controlPlaneURL: String
    public var gatewayURL: String

    enum CodingKeys: String, CodingKey {
        case runId = "run_id", pid, drill, stateDirectory = "state_dir", startedAt = "started_at", target,
            controlPlaneURL = "control_plane_url", gatewayURL = "gateway_url"
    }

    public init(
        runId: String, pid: Int32 = getpid(), drill: String, stateDirectory: String, startedAt: String,
        target: String, identity: TargetIdentity
    ) {
        self.runId = runId
        self.pid = pid
        self.drill = drill
        self.stateDirectory = stateDirectory
        self.startedAt = startedAt
        self.target = target
        controlPlaneURL = identity.controlPlaneURL
        gatewayURL = identity.gatewayURL
    }

    /// This process's run of `drill` against `target`, starting now.
    public init(runId: String, drill: String, stateDirectory: String, target: Target) {
        self.init(
            runId: runId, drill: drill, stateDirectory: stateDirectory, startedAt: WallClock.nowISO(),
            target: target.name, identity: TargetIdentity(target))
    }

    public var identity: TargetIdentity { TargetIdentity(controlPlaneURL: controlPlaneURL, gatewayURL: gatewayURL) }

    /// `run 8f3a1c2d (pid 4242, drill storefront-strong-dependency, state dir /srv/a/.gameday/state, since …)`
    public var description: String {
        "run \(runId) (pid \(pid), drill \(drill), state dir \(stateDirectory), since \(startedAt))"
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// The record in the lock file at `path`, or nil when there is none (yet).
    static func read(_ path: String) -> TargetLockRecord? {
        FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(Self.self, from: $0) }
    }
}
