import Foundation

/// Any JSON value, for reading the `-j` output of `nft` and `tc` whose shape varies by kind,
/// and for keeping a qdisc's options exactly as the kernel reported them.
///
/// Not GameDayCore's `JSONValue`: that one only decodes (control-plane answers), while a qdisc
/// snapshot must also be encoded into the ledger and the archive.
public enum CommandJSON: Sendable, Hashable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([CommandJSON])
    case object([String: CommandJSON])

    /// Parses `text`; `nil` when it is not JSON.
    public init?(parsing text: String) {
        guard let value = try? JSONDecoder().decode(CommandJSON.self, from: Data(text.utf8)) else { return nil }
        self = value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([CommandJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: CommandJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public subscript(key: String) -> CommandJSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var array: [CommandJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var object: [String: CommandJSON]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// Compact JSON, keys sorted: `{"default":"0x10","r2q":10}`.
    public var description: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }
}
