import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 or IPv6 address, or a network in CIDR form (`10.231.0.2`, `10.0.0.0/8`, `fd00::/64`).
///
/// Parsed with `inet_pton`, so nothing but a numeric address ever reaches a command line;
/// host bits beyond the prefix are cleared (`10.1.2.3/8` is `10.0.0.0/8`).
public struct IPNetwork: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Family: String, Sendable, Hashable, Codable {
        case ipv4, ipv6
    }

    public let family: Family
    /// The network address, 4 or 16 bytes, host bits cleared.
    public let bytes: [UInt8]
    /// Prefix length: 32 (or 128) for a single address.
    public let prefix: Int

    public init(_ text: String) throws(NetworkFaultError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let parsed = Self.parse(String(parts[0])) else {
            throw Self.invalid(text)
        }
        let bits = parsed.bytes.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...bits).contains(value), parts[1].allSatisfy(\.isNumber) else {
                throw Self.invalid(text)
            }
            prefix = value
        }
        family = parsed.family
        bytes = Self.mask(parsed.bytes, prefix: prefix)
        self.prefix = prefix
    }

    /// Whether this is one address rather than a wider network.
    public var isSingleAddress: Bool { prefix == bytes.count * 8 }

    /// The address alone, without a prefix: `10.0.0.0`.
    public var address: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        bytes.withUnsafeBytes { raw in
            _ = inet_ntop(family == .ipv4 ? AF_INET : AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `10.231.0.2` for a single address, `10.0.0.0/8` for a network.
    public var description: String { isSingleAddress ? address : "\(address)/\(prefix)" }

    /// Always with the prefix, as `tc`'s u32 matches want it: `10.231.0.2/32`.
    public var cidr: String { "\(address)/\(prefix)" }

    /// Whether the two share at least one address (one contains the other).
    public func overlaps(_ other: IPNetwork) -> Bool {
        guard family == other.family else { return false }
        let shorter = min(prefix, other.prefix)
        return Self.mask(bytes, prefix: shorter) == Self.mask(other.bytes, prefix: shorter)
    }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: - Parsing

    private static func parse(_ text: String) -> (family: Family, bytes: [UInt8])? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return (.ipv4, withUnsafeBytes(of: &v4) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return (.ipv6, withUnsafeBytes(of: &v6) { Array($0) })
        }
        return nil
    }

    private static func mask(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = max(0, min(8, prefix - index * 8))
            return keep == 8 ? byte : byte & ~(UInt8(0xff) >> keep)
        }
    }

    private static func invalid(_ text: String) -> NetworkFaultError {
        .invalidValue(
            what: "IP address", value: text, expected: "a numeric IPv4 or IPv6 address, optionally with a /prefix")
    }
}
