import Foundation
import GameDayCore
import Synchronization

/// A system as `gameday init` sees it, behind `HTTPTransport`: a gateway that routes `userId`
/// below `boundary` (of 10,000 slots) to hangzhou and the rest to beijing, naming the unit where
/// `unitIn` says, and a control plane that answers every `GET` with `controlPlaneStatus`.
public final class FakeSystem: HTTPTransport {
    /// Where the gateway's answers name the unit.
    public enum UnitPlace: Sendable {
        case header(String)
        /// A field of the JSON body, by its keys: `["data", "zone"]` is `/data/zone`.
        case body([String])
        case both(header: String, body: [String])
        case nowhere
    }

    public static let gateway = "http://gateway.test"
    public static let controlPlane = "http://control-plane.test"

    public let unitIn: UnitPlace
    public let boundary: Int
    public let controlPlaneStatus: Int
    /// False: the gateway refuses connections.
    public let gatewayUp: Bool
    /// Every URL asked, in order.
    public let requests = Mutex<[String]>([])

    public init(
        unitIn: UnitPlace = .header("X-Unit"), boundary: Int = 5000, controlPlaneStatus: Int = 404,
        gatewayUp: Bool = true
    ) {
        self.unitIn = unitIn
        self.boundary = boundary
        self.controlPlaneStatus = controlPlaneStatus
        self.gatewayUp = gatewayUp
    }

    public func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        requests.withLock { $0.append(request.url) }
        if request.url.hasPrefix(Self.controlPlane) {
            return HTTPResponse(status: controlPlaneStatus, body: Array(#"{"error":"missing bearer token"}"#.utf8))
        }
        guard request.url.hasPrefix(Self.gateway), gatewayUp else {
            throw HTTPTransportError(kind: .connectionRefused, message: "connection refused (\(request.url))")
        }
        guard let query = URLComponents(string: request.url)?.queryItems,
            let key = query.first(where: { $0.name == "userId" })?.value.flatMap(Int.init)
        else {
            return HTTPResponse(status: 400, body: Array(#"{"error":"no userId"}"#.utf8))
        }
        let unit = key % 10000 < boundary ? "hangzhou" : "beijing"
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"), ("X-Request-Id", "r-\(key)"), ("Server", "fake"),
        ]
        var body: [String: Any] = ["userId": key, "items": ["p1", "p2"], "region": "cn"]
        switch unitIn {
        case .header(let name): headers.append((name, unit))
        case .body(let keys): body = Self.setting(unit, at: keys, in: body)
        case .both(let name, let keys):
            headers.append((name, unit))
            body = Self.setting(unit, at: keys, in: body)
        case .nowhere: break
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return HTTPResponse(status: 200, headers: headers, body: Array(data))
    }

    private static func setting(_ value: String, at keys: [String], in object: [String: Any]) -> [String: Any] {
        guard let first = keys.first else { return object }
        var object = object
        object[first] =
            keys.count == 1
            ? value : setting(value, at: Array(keys.dropFirst()), in: object[first] as? [String: Any] ?? [:])
        return object
    }
}
