/// One TCP/UDP port or an inclusive range of ports (`8080`, `9000-9010`), never port 0.
public struct FirewallPortRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public let lower: UInt16
    public let upper: UInt16

    public init(_ port: Int) throws(NetworkFaultError) {
        try self.init(port, port)
    }

    public init(_ lower: Int, _ upper: Int) throws(NetworkFaultError) {
        guard (1...65535).contains(lower), (1...65535).contains(upper), lower <= upper else {
            throw .invalidValue(
                what: "port range", value: "\(lower)-\(upper)", expected: "ports 1 to 65535, the lower one first")
        }
        self.lower = UInt16(lower)
        self.upper = UInt16(upper)
    }

    /// Parses `8080` or `9000-9010`.
    public init(parsing text: String) throws(NetworkFaultError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let lower = Int(parts[0]), let upper = Int(parts[parts.count - 1])
        else {
            throw .invalidValue(what: "port", value: text, expected: "a port (8080) or a range (9000-9010)")
        }
        try self.init(lower, upper)
    }

    public var isSinglePort: Bool { lower == upper }

    public func contains(_ port: UInt16) -> Bool { (lower...upper).contains(port) }

    /// `8080` or `9000-9010`: the nftables form, and how gameday writes it.
    public var description: String { isSinglePort ? "\(lower)" : "\(lower)-\(upper)" }

    /// `8080` or `9000:9010`: the iptables form.
    var iptables: String { isSinglePort ? "\(lower)" : "\(lower):\(upper)" }

    public init(from decoder: any Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
