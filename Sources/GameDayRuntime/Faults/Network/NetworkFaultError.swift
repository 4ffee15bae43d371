import Foundation
import GameDayCore

/// Why a network fault (port block, bandwidth limit, netem) could not be planned, applied, proved or reverted.
///
/// Every message says what went wrong and what to do about it.
public enum NetworkFaultError: LocalizedError, Sendable, Hashable, CustomStringConvertible {
    /// A value that would end up in a command line failed validation.
    case invalidValue(what: String, value: String, expected: String)
    /// The block would cut the runner's own control channel.
    case protectedEndpoint(block: String, endpoint: String)
    /// A command could not be started at all (missing program, no temporary file...).
    case commandDidNotRun(argv: [String], message: String)
    /// A command ran and failed.
    case commandFailed(argv: [String], exitCode: Int32, output: String, timedOut: Bool)
    /// Neither nftables nor iptables works on the host.
    case noFirewallBackend(nft: String, iptables: String)
    /// The fault was applied but its effect could not be seen: a failed injection.
    case noEffect(String)
    /// The interface's root qdisc belongs to someone else and `replaceRoot` was not set.
    case foreignRootQdisc(interface: String, root: String)
    /// The interface holds a qdisc tree that gameday could not put back after the fault.
    case notRestorable(interface: String, reason: String)
    /// A qdisc gameday left behind in an earlier run is still on the interface.
    case leftover(String)
    /// The kernel lacks a queueing discipline or classifier the fault needs.
    case kernelLacks(String)
    /// The revert ran but the interface or firewall is not back to what it was.
    case notRestored(String)

    public var errorDescription: String? { description }

    public var description: String {
        switch self {
        case .invalidValue(let what, let value, let expected):
            return "invalid \(what) '\(value)': expected \(expected)"
        case .protectedEndpoint(let block, let endpoint):
            return "refusing to block \(block): it would cut the runner's own control channel (\(endpoint)); "
                + "narrow the ports or the peer, or run the drill from a host whose control channel is not blocked"
        case .commandDidNotRun(let argv, let message):
            return
                "\(argv.joined(separator: " ")) could not run: \(message); check that \(argv.first ?? "the program") is installed"
        case .commandFailed(let argv, let exitCode, let output, let timedOut):
            let how = timedOut ? "timed out" : "failed (exit \(exitCode))"
            return "\(argv.joined(separator: " ")) \(how)\(output.isEmpty ? "" : ": \(output)")"
        case .noFirewallBackend(let nft, let iptables):
            return "no working firewall: 'nft list tables' said \(nft), 'iptables -S' said \(iptables); "
                + "install nftables or iptables (apt-get install -y nftables) and run gameday as root"
        case .noEffect(let message):
            return "the fault did not take effect: \(message)"
        case .foreignRootQdisc(let interface, let root):
            return "\(interface) already has a root qdisc gameday did not create (\(root)); "
                + "set replace_root: true to replace it for the drill (it is put back afterwards), or remove it yourself"
        case .notRestorable(let interface, let reason):
            return
                "cannot replace the qdiscs on \(interface): \(reason), and gameday could not put them back afterwards; "
                + "remove them yourself or fault another interface"
        case .leftover(let message):
            return "\(message); run 'gameday recover' to revert faults left by an earlier run"
        case .kernelLacks(let message):
            return message
        case .notRestored(let message):
            return "the revert did not restore the original state: \(message)"
        }
    }
}

extension CommandExecutor {
    /// Runs `argv` and returns its output when it exits 0; anything else is a `NetworkFaultError`.
    func mustRun(_ argv: [String], timeout: Duration = .seconds(20)) async throws(NetworkFaultError) -> CommandOutput {
        let output = try await attempt(argv, timeout: timeout)
        guard output.exitCode == 0, !output.timedOut else {
            throw .commandFailed(
                argv: argv, exitCode: output.exitCode, output: output.lastLine, timedOut: output.timedOut)
        }
        return output
    }

    /// Runs `argv` whatever its exit code; only a command that cannot start at all throws.
    func attempt(_ argv: [String], timeout: Duration = .seconds(20)) async throws(NetworkFaultError) -> CommandOutput {
        do {
            return try await run(argv, timeout: timeout)
        } catch {
            throw .commandDidNotRun(argv: argv, message: error.message)
        }
    }
}
