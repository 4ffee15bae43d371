/// A network namespace name, checked before it reaches a command line.
///
/// Letters, digits, `_`, `.` and `-`, starting with a letter or digit (so it can never
/// read as an option or a path), at most 64 characters.
public struct NamespaceName: Sendable, Hashable, Codable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) throws(NetworkFaultError) {
        guard NameRule.matches(name, maxLength: 64) else {
            throw .invalidValue(
                what: "network namespace", value: name,
                expected: "1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit")
        }
        self.name = name
    }

    public var description: String { name }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// A network interface name, checked before it reaches a command line.
///
/// The kernel allows up to 15 bytes (IFNAMSIZ - 1); gameday allows letters, digits, `_`, `.`
/// and `-`, starting with a letter or digit — every name `ip` and `tc` accept without quoting.
public struct InterfaceName: Sendable, Hashable, Codable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) throws(NetworkFaultError) {
        guard NameRule.matches(name, maxLength: 15) else {
            throw .invalidValue(
                what: "interface name", value: name,
                expected: "1 to 15 letters, digits, '_', '.' or '-', starting with a letter or digit")
        }
        self.name = name
    }

    public var description: String { name }

    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// The strict pattern shared by namespace and interface names: `[A-Za-z0-9][A-Za-z0-9_.-]*`.
enum NameRule {
    static func matches(_ text: String, maxLength: Int) -> Bool {
        guard let first = text.utf8.first, text.utf8.count <= maxLength, isAlphanumeric(first) else { return false }
        return text.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
