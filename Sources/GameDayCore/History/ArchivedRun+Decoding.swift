import Foundation

extension ArchivedRun {
    /// Reads `result.json`'s bytes: the schema version first, so that a newer file is refused for
    /// its version rather than for a member it renamed, then the projection.
    public init(json data: Data) throws(ArchiveProblem) {
        self = try ResultDecoding.decode(ArchivedRun.self, from: data)
    }
}

/// How every reader of `result.json` (`RunResult.read`, history's projection) decodes it: the
/// schema version first, then the type, with every problem in a person's words.
enum ResultDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(ArchiveProblem) -> T {
        let decoder = JSONDecoder()
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw .notJSON(Self.syntaxError(in: data))
        } catch {
            throw Self.problem(error)
        }
        guard let version = header.schemaVersion else { throw .notAResult("missing schema_version") }
        let readable = RunResult.readableVersions
        guard version >= readable.lowerBound else { throw .unknownVersion(version) }
        guard version <= readable.upperBound else { throw .newerVersion(version) }
        do { return try decoder.decode(T.self, from: data) } catch { throw Self.problem(error) }
    }

    private struct Header: Decodable {
        var schemaVersion: Int?

        enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" }
    }

    // MARK: - Decoding errors in a person's words

    private static func problem(_ error: any Error) -> ArchiveProblem {
        guard let error = error as? DecodingError else { return .notJSON("\(error)") }
        switch error {
        case .dataCorrupted(let context):
            return .notAResult("\(path(context.codingPath)): \(context.debugDescription)")
        case .keyNotFound(let key, let context):
            return .notAResult("missing \(path(context.codingPath + [key]))")
        case .valueNotFound(_, let context):
            return .notAResult("\(path(context.codingPath)) is null")
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return .notAResult("the top level is not a JSON object")
        case .typeMismatch(let type, let context):
            return .notAResult("\(path(context.codingPath)) is not \(noun(for: type))")
        @unknown default:
            return .notAResult("\(error)")
        }
    }

    /// Where and why `data` is not JSON. JSONDecoder says only "not valid JSON"; JSONSerialization
    /// names the problem and a byte offset ("around character 812"), turned here into a line and a
    /// column (other platforms' wording is passed on as it is).
    static func syntaxError(in data: Data) -> String {
        guard !data.isEmpty else { return "the file is empty" }
        let message: String
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "the decoder refused it"
        } catch {
            message = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        }
        if message.hasPrefix("Unexpected end of file") {
            return "it ends early, at \(position(of: data.count, in: data)) (cut short?)"
        }
        let marker = " around character "
        guard let range = message.range(of: marker),
            let offset = Int(message[range.upperBound...].prefix { $0.isNumber })
        else { return message }
        return "\(message[..<range.lowerBound].lowercased()) at \(position(of: offset, in: data))"
    }

    /// `line 3, column 7` of the byte at `offset`, both counted from 1.
    private static func position(of offset: Int, in data: Data) -> String {
        let before = data.prefix(offset)
        let line = before.count { $0 == UInt8(ascii: "\n") } + 1
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? before.startIndex
        let column = String(decoding: before[lineStart...], as: UTF8.self).count + 1
        return "line \(line), column \(column)"
    }

    /// `rto.measured_ms`, `verdicts[2].name`.
    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    private static func noun(for type: Any.Type) -> String {
        switch type {
        case is Int.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }
}
