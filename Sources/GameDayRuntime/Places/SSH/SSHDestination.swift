/// One host to reach over SSH: a validated host, port and login user.
///
/// The values go into ssh's argv as separate arguments (`-p`, `-l`, then the host after `--`),
/// so they are checked here to be exactly what they claim: a host name or address, never an option.
public struct SSHDestination: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A DNS name, an IPv4 address or a bare IPv6 address (no brackets).
    public let host: String
    public let port: UInt16
    public let user: String

    public init(host: String, port: UInt16 = 22, user: String = "root") throws(SSHError) {
        guard Self.isValidHost(host) else {
            throw .invalidDestination(
                "host '\(host)' is not a host name or an IP address (letters, digits, '.', '-', ':'; not starting with '-')"
            )
        }
        guard port > 0 else { throw .invalidDestination("port 0 of \(host) is not a port") }
        guard Self.isValidUser(user) else {
            throw .invalidDestination(
                "user '\(user)' of \(host) is not a login name (letters, digits, '.', '_', '-'; not starting with '-')")
        }
        self.host = host
        self.port = port
        self.user = user
    }

    /// `user@host:port`, `user@[::1]:port` for IPv6: the executor's name and every message's subject.
    public var description: String {
        "\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    static func isValidHost(_ host: String) -> Bool {
        guard let first = host.first, first != "-", host.utf8.count <= 253 else { return false }
        return host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":") }
    }

    static func isValidUser(_ user: String) -> Bool {
        guard let first = user.first, first != "-", user.utf8.count <= 32 else { return false }
        return user.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }

    // Decoding validates like the initialiser: a target file cannot smuggle an option in.
    private enum CodingKeys: String, CodingKey { case host, port, user }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            host: try container.decode(String.self, forKey: .host),
            port: try container.decodeIfPresent(UInt16.self, forKey: .port) ?? 22,
            user: try container.decodeIfPresent(String.self, forKey: .user) ?? "root")
    }
}
