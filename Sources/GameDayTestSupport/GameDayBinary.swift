import Foundation
import GameDayRuntime

/// The built `gameday` executable that end-to-end tests run.
public enum GameDayBinary {
    /// The environment variable that points tests at another binary.
    public static let environmentVariable = "GAMEDAY_BINARY"

    /// `$GAMEDAY_BINARY`, else `gameday` beside the running test bundle (both live in
    /// `.build/<triple>/debug/`).
    public static var path: String {
        get throws(GameDayBinaryMissing) {
            let candidate: String
            if let override = ProcessInfo.processInfo.environment[environmentVariable], !override.isEmpty {
                candidate = override
            } else {
                let bundle = ProcessTable.currentExecutable()
                candidate =
                    URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("gameday").path
            }
            guard FileManager.default.isExecutableFile(atPath: candidate) else {
                throw GameDayBinaryMissing(path: candidate)
            }
            return candidate
        }
    }
}

/// The `gameday` executable is not where the tests look for it.
public struct GameDayBinaryMissing: Error, CustomStringConvertible, Sendable {
    public var path: String

    public var description: String {
        "no gameday executable at \(path): run 'swift build' first (or set \(GameDayBinary.environmentVariable))"
    }
}
