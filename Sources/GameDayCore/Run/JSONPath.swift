import Foundation

/// A parsed JSON value, for reading fields out of control-plane answers.
public indirect enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .integer(i)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    /// Parses `body`, or nil when it is not JSON.
    public static func parse(_ body: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(body))
    }

    /// The value at a dotted path (`task.state`, `items.0.id`).
    public func value(at path: String) -> JSONValue? {
        var current = self
        for component in path.split(separator: ".") {
            switch current {
            case .object(let members):
                guard let next = members[String(component)] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(component), items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }

    /// Scalars as text; nil for null, arrays and objects.
    public var text: String? {
        switch self {
        case .string(let s): s
        case .integer(let i): "\(i)"
        case .number(let d): "\(d)"
        case .bool(let b): "\(b)"
        default: nil
        }
    }
}
