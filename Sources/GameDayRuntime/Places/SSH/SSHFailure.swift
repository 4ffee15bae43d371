/// Why ssh itself failed (exit 255), read from what it printed on stderr.
///
/// ssh gives the remote command's exit code back as its own, except 255, which it also uses for
/// its own errors. A remote command may exit 255 too: only an exit 255 whose stderr carries one of
/// ssh's own messages is taken as ssh's failure; anything else is the remote command's exit code.
public enum SSHFailure: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nothing answered: refused, timed out, no route, name not resolved, connection closed.
    case unreachable
    /// The host's key differs from the one in known_hosts: possibly another machine.
    case hostKeyChanged
    /// No key for the host in known_hosts, and strict checking is on.
    case hostKeyUnknown
    /// The host answered and refused our key.
    case authenticationRefused
    /// Another of ssh's own errors (a bad option, a broken control socket).
    case other

    /// A sentence a person can act on.
    func explanation(for destination: SSHDestination) -> String {
        switch self {
        case .unreachable:
            return "host unreachable; check that \(destination.host) is up and sshd listens on port \(destination.port)"
        case .hostKeyChanged:
            return "host key mismatch: the key \(destination.host) offers is not the one in known_hosts; "
                + "if the host was rebuilt, verify its new key and replace the known_hosts entry"
        case .hostKeyUnknown:
            return "host key unknown under strict checking; add the host's key to the known_hosts file "
                + "(ssh-keyscan, then verify it) or set host key checking to accept-new"
        case .authenticationRefused:
            return "authentication refused for user \(destination.user); "
                + "check the identity file and the host's authorized_keys"
        case .other:
            return "ssh failed before the remote command ran"
        }
    }

    /// ssh's failure for an exit code and its stderr, or `nil` when the remote command ran.
    public static func classify(exitCode: Int32, stderr: String) -> SSHFailure? {
        guard exitCode == 255 else { return nil }
        let text = stderr
        if text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
            || text.contains("Host key for ")
                && text.contains("has changed")
        {
            return .hostKeyChanged
        }
        if text.contains("No ") && text.contains("host key is known for")
            || text.contains("Host key verification failed")
        {
            return .hostKeyUnknown
        }
        if text.contains("Permission denied (") || text.contains("Too many authentication failures") {
            return .authenticationRefused
        }
        for marker in [
            "ssh: connect to host", "ssh: Could not resolve hostname", "kex_exchange_identification",
            "Connection closed by", "Connection reset by", "Connection timed out", "No route to host",
            "Network is unreachable", "Connection refused", "banner exchange", "Timeout, server",
            "client_loop: send disconnect",
        ] where text.contains(marker) {
            return .unreachable
        }
        for marker in ["ssh: ", "Bad configuration option", "command-line line", "mux_client", "ControlPath"]
        where text.contains(marker) {
            return .other
        }
        return nil
    }
}
