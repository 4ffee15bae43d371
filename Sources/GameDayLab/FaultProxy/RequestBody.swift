import Foundation

/// Decodes the JSON bodies of the admin API, turning every decoding failure into Toxiproxy's
/// `400 bad request body: ...` with a message that names the offending field.
enum RequestBody {
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(FaultProxyAPIError) -> T {
        guard !body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            throw .badRequestBody("the body is empty; send a JSON object")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw .badRequestBody(describe(error))
        } catch {
            throw .badRequestBody("\(error)")
        }
    }

    /// `'enabled' must be a boolean` rather than Foundation's debug description.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "the body" : "'" + keys.map(\.stringValue).joined(separator: ".") + "'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(describe(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(describe(type)), not null"
        case .keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "a boolean"
        case is String.Type: "a string"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is Int64.Type: "a whole number"
        case is [String: Any].Type: "a JSON object"
        default: "a \(type)"
        }
    }
}

/// A coding key for objects whose keys are not known in advance (toxic attributes).
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
