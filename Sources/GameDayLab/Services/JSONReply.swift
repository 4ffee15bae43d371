import Foundation
import Hummingbird

/// Builds the lab's JSON responses.
enum JSONReply {
    /// An error body: `{"error":"...","unit":"beijing","userId":6000}`; absent fields are left out.
    struct ErrorBody: Encodable {
        var error: String
        var unit: String?
        var userId: LabUserKey?
    }

    /// `X-Unit`. Spelled through `HTTPFields` because Hummingbird re-exports that type but not
    /// `HTTPField`, and GameDayLab does not depend on swift-http-types directly.
    static let unitHeader = HTTPFields.Element.Name("X-Unit")!

    static func make(
        _ status: HTTPResponse.Status, _ value: some Encodable, unit: String? = nil, headers: HTTPFields = [:]
    ) -> Response {
        let encoder = JSONEncoder()
        // Sorted keys: the same answer always reads the same, which helps people diffing responses.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"response could not be encoded"}"#.utf8)
        return raw(status, Array(data), contentType: "application/json", unit: unit, headers: headers)
    }

    static func error(
        _ status: HTTPResponse.Status, _ message: String, unit: String? = nil, userId: LabUserKey? = nil
    ) -> Response {
        make(status, ErrorBody(error: message, unit: unit, userId: userId), unit: unit)
    }

    /// A body passed through as is (the gateway relaying a storefront).
    static func raw(
        _ status: HTTPResponse.Status, _ body: [UInt8], contentType: String?, unit: String? = nil,
        headers: HTTPFields = [:]
    ) -> Response {
        var fields = headers
        if let contentType { fields[.contentType] = contentType }
        if let unit { fields[unitHeader] = unit }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `body` with a top-level `"unit"` when it is a JSON object without one; otherwise (it has one
    /// already, as every storefront and order service answer does, or it is not a JSON object)
    /// unchanged, byte for byte.
    static func addingUnit(_ unit: String, to body: [UInt8]) -> [UInt8] {
        guard body.first(where: { !" \n\r\t".utf8.contains($0) }) == UInt8(ascii: "{"),
            var object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            object["unit"] == nil
        else { return body }
        object["unit"] = unit
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return body }
        return Array(data)
    }

    /// `GET /health` of every service: `{"service":"product","unit":"beijing"}`.
    static func health(service: String, unit: String?) -> Response {
        struct Health: Encodable {
            var service: String
            var unit: String?
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(service, forKey: .service)
                try c.encode(unit, forKey: .unit)  // null, not absent, for lab-wide services
            }
            enum CodingKeys: String, CodingKey { case service, unit }
        }
        return make(.ok, Health(service: service, unit: unit), unit: unit)
    }
}
