import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Traffic a port block must never cut: the runner's SSH session, the control plane's address.
///
/// A block conflicts when its protocol is the endpoint's, one of its ports is the endpoint's port
/// (or the endpoint names no port), and its peer overlaps the endpoint's address (or either names
/// none). The direction is ignored on purpose: the runner may sit on either side of the host,
/// and refusing a harmless block costs less than losing the control channel mid-drill.
public struct ProtectedEndpoint: Sendable, Hashable, Codable, CustomStringConvertible {
    public var transport: FirewallTransport
    /// `nil`: every port of `address`.
    public var port: UInt16?
    /// `nil`: this port on any address.
    public var address: IPNetwork?
    /// What it is, for the refusal message: `SSH`, `control plane`.
    public var label: String

    public init(label: String, transport: FirewallTransport = .tcp, port: UInt16? = nil, address: IPNetwork? = nil) {
        self.label = label
        self.transport = transport
        self.port = port
        self.address = address
    }

    /// The SSH port, on any address.
    public static func ssh(port: UInt16 = 22) -> ProtectedEndpoint {
        ProtectedEndpoint(label: "SSH", port: port)
    }

    /// `control plane 10.0.0.5:8443`.
    public var description: String {
        switch (address, port) {
        case (let address?, let port?):
            return "\(label) \(address.family == .ipv6 ? "[\(address)]" : "\(address)"):\(port)"
        case (let address?, nil): return "\(label) \(address)"
        case (nil, let port?): return "\(label) \(transport.rawValue) port \(port)"
        case (nil, nil): return label
        }
    }

    /// Whether `block` would stop this endpoint's traffic.
    public func isCut(by block: PortBlock) -> Bool {
        guard block.transport == transport else { return false }
        if let port, !block.ports.contains(where: { $0.contains(port) }) { return false }
        if let address, let peer = block.peer, !address.overlaps(peer) { return false }
        return true
    }

    /// The endpoints of `host:port` (a control plane URL's host), every address it resolves to.
    ///
    /// Numeric hosts need no lookup; names are resolved with `getaddrinfo`, so the block is checked
    /// against the addresses the runner will actually connect to.
    public static func resolving(label: String, host: String, port: UInt16) throws(NetworkFaultError)
        -> [ProtectedEndpoint]
    {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let address = try? IPNetwork(bare) {
            return [ProtectedEndpoint(label: label, port: port, address: address)]
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(bare, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw .invalidValue(
                what: "\(label) host", value: host,
                expected: "a host name that resolves (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(list) }
        var endpoints: [ProtectedEndpoint] = []
        for entry in sequence(first: first, next: { $0.pointee.ai_next }) {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard
                getnameinfo(
                    entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                    NI_NUMERICHOST) == 0,
                let address = try? IPNetwork(
                    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            else { continue }
            let endpoint = ProtectedEndpoint(label: label, port: port, address: address)
            if !endpoints.contains(endpoint) { endpoints.append(endpoint) }
        }
        return endpoints
    }
}
