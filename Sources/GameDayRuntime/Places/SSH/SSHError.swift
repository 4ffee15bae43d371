import Foundation

/// What went wrong on the way to a remote command: bad settings, or ssh itself failing (exit 255).
public enum SSHError: Error, Sendable, Hashable, LocalizedError, CustomStringConvertible {
    /// A host, port or user that cannot go into ssh's argv.
    case invalidDestination(String)
    /// A setting that ssh would misread or that would weaken the connection silently.
    case invalidOption(String)
    /// The multiplexing directory could not be made or its socket path would be too long.
    case controlDirectory(String)
    /// ssh could not reach the host, or refused it, before any remote command ran.
    case connection(SSHFailure, destination: SSHDestination, detail: String)
    /// A selection that cannot be taken from the hosts at hand (`count: 7` of 5 hosts).
    case invalidSelection(String)
    /// A dead-man's switch that cannot be armed as asked (`RemoteDeadMansSwitch`).
    case invalidSwitch(String)

    public var description: String {
        switch self {
        case .invalidDestination(let message), .invalidOption(let message), .invalidSelection(let message),
            .invalidSwitch(let message):
            return message
        case .controlDirectory(let message):
            return "ssh multiplexing: \(message)"
        case .connection(let failure, let destination, let detail):
            let tail = detail.isEmpty ? "" : " (ssh said: \(detail))"
            return "ssh to \(destination): \(failure.explanation(for: destination))\(tail)"
        }
    }

    public var errorDescription: String? { description }
}
