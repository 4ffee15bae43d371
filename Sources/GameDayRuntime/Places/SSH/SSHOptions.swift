/// How ssh connects: host key checking, keys, timeouts and connection sharing.
///
/// The defaults are the safe ones: `BatchMode` always (never a password prompt that hangs a drill),
/// strict host key checking, a short connect timeout. Host key checking can be relaxed to
/// `accept-new` (trust on first use) but never switched off: a drill that injects faults into
/// whatever answers on an address is not a drill.
public struct SSHOptions: Sendable, Hashable {
    /// `StrictHostKeyChecking`.
    public enum HostKeyChecking: String, Sendable, Hashable, Codable, CaseIterable {
        /// Only hosts whose key is already in known_hosts (`yes`).
        case strict = "yes"
        /// Record the key of a host seen for the first time; refuse a changed key (`accept-new`).
        case acceptNew = "accept-new"
    }

    public var hostKeyChecking: HostKeyChecking
    /// `UserKnownHostsFile`; `nil`: ssh's default (`~/.ssh/known_hosts`).
    public var knownHostsFile: String?
    /// `-i`, with `IdentitiesOnly=yes` so an agent's other keys are not tried first.
    public var identityFile: String?
    /// `ConnectTimeout`, whole seconds (at least 1).
    public var connectTimeout: Duration
    /// `-F`; `nil`: the user's `~/.ssh/config` (for ProxyJump and the like), `"none"`: no file at all.
    public var configFile: String?
    /// Connection sharing; `nil`: every command opens a connection of its own.
    public var multiplexing: Multiplexing?

    /// `ControlMaster=auto` with a socket in a private directory, kept open `persist` after the last use.
    public struct Multiplexing: Sendable, Hashable {
        public var directory: SSHControlDirectory
        /// `ControlPersist`, whole seconds: how long an idle master stays (until `close()`).
        public var persist: Duration

        public init(directory: SSHControlDirectory, persist: Duration = .seconds(60)) {
            self.directory = directory
            self.persist = persist
        }
    }

    public init(
        hostKeyChecking: HostKeyChecking = .strict, knownHostsFile: String? = nil, identityFile: String? = nil,
        connectTimeout: Duration = .seconds(5), configFile: String? = nil, multiplexing: Multiplexing? = nil
    ) {
        self.hostKeyChecking = hostKeyChecking
        self.knownHostsFile = knownHostsFile
        self.identityFile = identityFile
        self.connectTimeout = connectTimeout
        self.configFile = configFile
        self.multiplexing = multiplexing
    }

    /// The `-o` options and flags, in a fixed order (tests compare them exactly).
    func arguments() throws(SSHError) -> [String] {
        var arguments = ["-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=\(hostKeyChecking.rawValue)"]
        if let configFile {
            arguments = ["-F", try Self.path(configFile, what: "ssh config file")] + arguments
        }
        if let knownHostsFile {
            arguments += ["-o", "UserKnownHostsFile=\(try Self.path(knownHostsFile, what: "known_hosts file"))"]
        }
        if let identityFile {
            arguments += ["-i", try Self.path(identityFile, what: "identity file"), "-o", "IdentitiesOnly=yes"]
        }
        arguments += [
            "-o", "ConnectTimeout=\(Self.seconds(connectTimeout))",
            // A master whose peer vanished notices within 15 s instead of hanging every later command.
            "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
            // Errors only: "Permanently added ... to the list of known hosts" is not the command's output.
            "-o", "LogLevel=ERROR",
        ]
        if let multiplexing {
            arguments += [
                "-o", "ControlMaster=auto", "-o", "ControlPath=\(multiplexing.directory.controlPath)",
                "-o", "ControlPersist=\(Self.seconds(multiplexing.persist))",
            ]
        }
        return arguments
    }

    /// A path ssh reads from its config syntax: no spaces, quotes or `%` tokens to misparse.
    private static func path(_ path: String, what: String) throws(SSHError) -> String {
        guard !path.isEmpty, !path.hasPrefix("-"),
            path.allSatisfy({ !$0.isWhitespace && $0 != "\"" && $0 != "'" && $0 != "%" && $0 != "=" })
        else {
            throw .invalidOption("\(what) '\(path)' must be a path without spaces, quotes, '%' or '='")
        }
        return path
    }

    private static func seconds(_ duration: Duration) -> Int {
        max(1, Int((Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18).rounded(.up)))
    }
}
