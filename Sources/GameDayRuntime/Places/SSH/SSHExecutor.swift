import Foundation
import GameDayCore

/// Runs commands on a remote host through the system's OpenSSH client (`/usr/bin/ssh`).
///
/// The argv is quoted for the remote shell (`RemoteShell`), never joined bare. ssh runs through a
/// `LocalExecutor`, in a process group of its own, so a timeout kills the local ssh and everything
/// it started; a multiplexing master has its own session (ssh daemonises it) and outlives that
/// until `close()`. A timeout does not stop the remote command: without a terminal, sshd leaves it
/// running when the connection goes, so remote commands should be bounded themselves.
///
/// ssh's own failures (exit 255 with one of its messages: unreachable, host key, authentication)
/// are thrown as a `CommandError` naming the host; the remote command's exit code, 255 included
/// when ssh said nothing, is returned as the command's.
public struct SSHExecutor: CommandExecutor {
    public let destination: SSHDestination
    public let options: SSHOptions
    /// Where ssh itself runs: this host by default (a network namespace in tests).
    public let base: any CommandExecutor
    /// The ssh client binary.
    public let program: String

    public var name: String { "ssh:\(destination)" }

    public init(
        destination: SSHDestination, options: SSHOptions = SSHOptions(), base: any CommandExecutor = LocalExecutor(),
        program: String = "/usr/bin/ssh"
    ) {
        self.destination = destination
        self.options = options
        self.base = base
        self.program = program
    }

    public func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput {
        guard !argv.isEmpty else { throw CommandError(argv: argv, message: "empty command") }
        let command: [String]
        do {
            command = try commandLine(for: argv)
        } catch {
            throw CommandError(argv: argv, message: error.description)
        }
        let output = try await base.run(command, timeout: timeout)
        if !output.timedOut, let failure = SSHFailure.classify(exitCode: output.exitCode, stderr: output.stderr) {
            let error = SSHError.connection(failure, destination: destination, detail: output.lastLine)
            throw CommandError(argv: argv, message: error.description)
        }
        return output
    }

    /// The exact local argv that runs `argv` on the host: ssh, its options, `--`, the host, and
    /// the remote command as one quoted string.
    public func commandLine(for argv: [String]) throws(SSHError) -> [String] {
        [program] + (try options.arguments()) + destinationArguments + [RemoteShell.commandLine(argv)]
    }

    /// `-p PORT -l USER -- HOST`: `--` so that nothing after it is read as an option.
    var destinationArguments: [String] {
        ["-p", String(destination.port), "-l", destination.user, "--", destination.host]
    }

    /// Tells the multiplexing master for this host to exit (`ssh -O exit`); nothing without
    /// multiplexing. Safe to call when no master runs. Returns what ssh said, for logs.
    @discardableResult
    public func close(timeout: Duration = .seconds(10)) async -> String {
        guard options.multiplexing != nil, let arguments = try? options.arguments() else { return "" }
        let command = [program] + arguments + ["-O", "exit"] + destinationArguments
        guard let output = try? await base.run(command, timeout: timeout) else { return "" }
        return output.lastLine
    }

    /// Whether a multiplexing master for this host is running (`ssh -O check`).
    public func hasMaster(timeout: Duration = .seconds(10)) async -> Bool {
        guard options.multiplexing != nil, let arguments = try? options.arguments() else { return false }
        let command = [program] + arguments + ["-O", "check"] + destinationArguments
        guard let output = try? await base.run(command, timeout: timeout) else { return false }
        return output.exitCode == 0
    }
}

extension SSHExecutor {
    /// An executor for one of a target's hosts, with its unit's `ssh:` settings (the local user name
    /// when the target names none).
    public init(host: HostTarget, ssh: SSHTarget, multiplexing: SSHOptions.Multiplexing? = nil) throws(SSHError) {
        guard let port = UInt16(exactly: host.port ?? ssh.port) else {
            throw SSHError.invalidDestination("port \(host.port ?? ssh.port) of \(host) is not a TCP port")
        }
        let user = ssh.user ?? ProcessInfo.processInfo.userName
        self.init(
            destination: try SSHDestination(host: host.host, port: port, user: user),
            options: SSHOptions(
                hostKeyChecking: ssh.hostKeyChecking == .strict ? .strict : .acceptNew, knownHostsFile: ssh.knownHosts,
                identityFile: ssh.identityFile, connectTimeout: ssh.connectTimeout, multiplexing: multiplexing))
    }
}
