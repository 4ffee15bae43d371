/// A value checked before it reaches a command line (an interface, a namespace, a pod name), read
/// and written in JSON as its plain text, and checked again when read back.
public protocol CheckedText: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The checked text.
    var text: String { get }
    /// Checks `text` against the value's rule; throws what is wrong with it.
    init(checking text: String) throws
}

extension CheckedText {
    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        try self.init(checking: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
