import ArgumentParser
import Foundation
import GameDayCore
import GameDayRuntime

/// Where gameday keeps its ledger and heartbeats (target locks are machine-wide: `LockDirectory`).
struct StateOptions: ParsableArguments {
    @Option(
        name: .customLong("state-dir"),
        help: "The ledger and heartbeats (default: $GAMEDAY_STATE_DIR, else .gameday/state).")
    var stateDirectory: String?

    var path: String {
        let chosen = stateDirectory ?? ProcessInfo.processInfo.environment["GAMEDAY_STATE_DIR"] ?? ".gameday/state"
        return URL(fileURLWithPath: chosen).standardizedFileURL.path
    }

    /// A target given as a file is read for its name; anything else is taken as the name.
    static func targetName(_ target: String?) -> String? {
        guard let target else { return nil }
        if FileManager.default.fileExists(atPath: target), let loaded = try? DrillLoader.loadTarget(path: target) {
            return loaded.name
        }
        return target
    }
}
