import Foundation

/// The exact `gameday recover` command that finishes what a run left undone, as every message that
/// asks for one prints it: the target, and the state directory when it is not the default one (a
/// plain `gameday recover` would read another ledger and find nothing to do).
public struct RecoverCommand: Sendable, Hashable, CustomStringConvertible {
    /// The state directory `gameday` uses when given none, relative to the working directory.
    public static let defaultStateDirectory = ".gameday/state"

    /// The target file, absolute.
    public var target: String
    /// The state directory, absolute; nil when it is the default one.
    public var stateDirectory: String?

    /// For the run on `target` that keeps its ledger in `stateDirectory` (nil: the default one).
    public init(target: String, stateDirectory: String?) {
        self.target = Self.absolute(target)
        let chosen = stateDirectory.map(Self.absolute)
        self.stateDirectory = chosen == Self.absolute(Self.defaultStateDirectory) ? nil : chosen
    }

    /// `gameday recover --target /srv/lab/target.yaml --state-dir /srv/state`.
    public var description: String {
        var words = ["gameday", "recover", "--target", Self.quoted(target)]
        if let stateDirectory { words += ["--state-dir", Self.quoted(stateDirectory)] }
        return words.joined(separator: " ")
    }

    private static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// A path as a shell reads it back: in double quotes when it holds anything but the usual characters.
    private static func quoted(_ path: String) -> String {
        let plain = path.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "/._-+=:@,".unicodeScalars.contains($0))
        }
        guard !plain else { return path }
        let escaped = path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "$", with: "\\$").replacingOccurrences(of: "`", with: "\\`")
        return "\"\(escaped)\""
    }
}

extension RunEnvironment {
    /// The command that finishes what this run on `target` leaves undone.
    public func recoverCommand(for target: Target) -> RecoverCommand {
        RecoverCommand(target: target.file, stateDirectory: stateDirectory)
    }
}
