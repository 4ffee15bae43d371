/// A name checked before it reaches a command line: `[A-Za-z0-9][A-Za-z0-9_.-]*`, bounded in length,
/// so it can never read as an option or a path and needs no quoting for `ip`, `tc` or `nft`.
public protocol CheckedNetworkName: CheckedText {
    var name: String { get }
    init(_ name: String) throws(NetworkFaultError)
}

extension CheckedNetworkName {
    public var text: String { name }

    public init(checking text: String) throws { try self.init(text) }

    /// Checks `name` against the rule, or throws saying what `what` may be.
    static func checked(_ name: String, what: String, maxLength: Int) throws(NetworkFaultError) -> String {
        guard NameRule.matches(name, maxLength: maxLength) else {
            throw .invalidValue(
                what: what, value: name,
                expected: "1 to \(maxLength) letters, digits, '_', '.' or '-', starting with a letter or digit")
        }
        return name
    }
}

/// A network namespace name (at most 64 characters).
public struct NamespaceName: CheckedNetworkName {
    public let name: String

    public init(_ name: String) throws(NetworkFaultError) {
        self.name = try Self.checked(name, what: "network namespace", maxLength: 64)
    }
}

/// A network interface name: the kernel allows up to 15 bytes (IFNAMSIZ - 1).
public struct InterfaceName: CheckedNetworkName {
    public let name: String

    public init(_ name: String) throws(NetworkFaultError) {
        self.name = try Self.checked(name, what: "interface name", maxLength: 15)
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
