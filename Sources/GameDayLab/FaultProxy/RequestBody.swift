import Foundation
import GameDayCore

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

    static func describe(_ error: DecodingError) -> String {
        DecodingErrorText.describe(error, root: "the body")
    }
}

/// A coding key for objects whose keys are not known in advance (toxic attributes).
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
