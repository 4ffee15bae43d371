import Foundation

/// A decoding failure in words that name the field: `'rto.goal_ms' must be a number` rather than
/// Foundation's debug description.
public enum DecodingErrorText {
    /// - Parameter root: what to call the whole document (`the body`, `the result`).
    public static func describe(_ error: any Error, root: String = "the document") -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? root : "'" + keys.map(\.stringValue).joined(separator: ".") + "'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(describe(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(describe(type)), not null"
        case .keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let detail = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
                return "not valid JSON" + (detail.map { " (\($0))" } ?? "")
            }
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
        case is Int.Type, is Int64.Type, is Int32.Type: "a whole number"
        case is [String: Any].Type: "a JSON object"
        default: "a \(type)"
        }
    }
}
