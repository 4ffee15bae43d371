import Foundation

/// An error of the fault proxy's admin API, answered as Toxiproxy answers its errors:
/// `{"error":"proxy not found","status":404}`.
struct FaultProxyAPIError: Error, LocalizedError, Hashable, Encodable {
    /// Toxiproxy's message, sometimes followed by `: detail`.
    var message: String
    var status: Int

    enum CodingKeys: String, CodingKey {
        case message = "error"
        case status
    }

    var errorDescription: String? { message }

    // MARK: - Toxiproxy's errors, with its wording so clients that match on it keep working

    static func badRequestBody(_ detail: String) -> Self {
        Self(message: "bad request body: \(detail)", status: 400)
    }
    static func missingField(_ field: String) -> Self {
        Self(message: "missing required field: \(field)", status: 400)
    }
    static let proxyNotFound = Self(message: "proxy not found", status: 404)
    static let proxyAlreadyExists = Self(message: "proxy already exists", status: 409)
    static let invalidStream = Self(message: "stream was invalid, can be either upstream or downstream", status: 400)
    static let toxicNotFound = Self(message: "toxic not found", status: 404)
    static let toxicAlreadyExists = Self(message: "toxic already exists", status: 409)

    /// Toxiproxy says only "invalid toxic type"; naming the supported ones saves a trip to the docs.
    static func invalidToxicType(_ type: String) -> Self {
        Self(
            message:
                "invalid toxic type: '\(type)' (this proxy implements \(ToxicKind.typeNames.joined(separator: ", ")))",
            status: 400)
    }

    /// A listener that could not be opened: Toxiproxy answers 500 with the socket error.
    static func listenFailed(_ address: String, _ reason: String) -> Self {
        Self(message: "listen tcp \(address): \(reason)", status: 500)
    }
}
