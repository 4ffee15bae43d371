import GameDayCore

/// Keeps a fault on a host reached over SSH from cutting the connection the runner uses to revert it.
///
/// Two ways a fault cuts its own channel: a port block covering the SSH port (in either direction:
/// the runner's address as the host sees it is not known for sure, so any peer counts), and a
/// kill or pause of the sshd processes that carry our session (the listener and the session's own
/// process). The second needs the host's answer: `discover(via:)` asks it for the ancestors of the
/// remote shell, which are exactly those processes.
public struct SSHChannelGuard: Sendable, Hashable {
    /// A process between the remote command and init: sshd's session process, the listener, a shell.
    public struct ServingProcess: Sendable, Hashable {
        public var pid: Int32
        public var name: String

        public init(pid: Int32, name: String) {
            self.pid = pid
            self.name = name
        }
    }

    public let destination: SSHDestination
    /// Ancestors of the remote shell, nearest first; empty until discovered.
    public let serving: [ServingProcess]

    public init(destination: SSHDestination, serving: [ServingProcess] = []) {
        self.destination = destination
        self.serving = serving
    }

    /// The SSH port of the host, on any address, as a `PortBlocker` takes it.
    public var protectedEndpoint: ProtectedEndpoint {
        ProtectedEndpoint(label: "the SSH connection to \(destination)", port: destination.port)
    }

    /// Throws when `block`, applied on this host, would cut the SSH connection.
    public func refuse(_ block: PortBlock) throws(FaultError) {
        guard protectedEndpoint.isCut(by: block) else { return }
        throw FaultError(
            "a block of \(block) on \(destination.host) would cut \(protectedEndpoint) and the runner could not revert it; "
                + "leave port \(destination.port) out of the block or drill that failure from the host's console")
    }

    /// Throws when one of `pids` on this host carries our SSH session.
    public func refuseSignal(to pids: [Int32]) throws(FaultError) {
        guard let hit = serving.first(where: { pids.contains($0.pid) }) else { return }
        throw FaultError(
            "a signal to process \(hit.pid) (\(hit.name)) on \(destination.host) would cut the SSH connection "
                + "the runner reverts through; drill an sshd failure from the host's console instead")
    }

    /// Walks from the remote shell's parent up to init through `/proc`, with nothing but sh builtins
    /// and `cat`: prints `PID NAME` per process.
    static let servingProcessesScript = """
        p=$PPID
        while [ "$p" -gt 1 ] 2>/dev/null; do
          printf '%s %s\\n' "$p" "$(cat /proc/$p/comm 2>/dev/null)"
          next=
          while read -r key value; do [ "$key" = PPid: ] && next=$value; done < /proc/$p/status
          p=${next:-0}
        done
        """

    /// Asks the host which processes carry the session `executor` opens, and returns a guard that knows them.
    public static func discover(via executor: SSHExecutor, timeout: Duration = .seconds(10)) async throws(CommandError)
        -> SSHChannelGuard
    {
        let argv = ["sh", "-c", servingProcessesScript]
        let output = try await executor.run(argv, timeout: timeout)
        guard output.exitCode == 0 else {
            throw CommandError(
                argv: argv,
                message: "cannot list the processes serving the SSH session on \(executor.destination) "
                    + "(exit \(output.exitCode)): \(output.lastLine)")
        }
        return SSHChannelGuard(destination: executor.destination, serving: parse(output.stdout))
    }

    static func parse(_ text: String) -> [ServingProcess] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let fields = line.split(separator: " ", maxSplits: 1)
            guard let first = fields.first, let pid = Int32(first), pid > 1 else { return nil }
            return ServingProcess(pid: pid, name: fields.count > 1 ? String(fields[1]) : "")
        }
    }
}
