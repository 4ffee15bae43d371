import Foundation
import Hummingbird

/// The gateway: finds each request's routing key (`RoutingKey`), picks the unit by the current
/// rule, relays the request to that unit's storefront (or, for `/orders`, its order service) and
/// names the unit in `X-Unit`, in the JSON body's `"unit"`, or both (`unitIn`). A request by path,
/// `/users/6000/storefront`, is relayed as `/storefront` with the key in `X-User-Id`. It also takes
/// rule pushes from the control plane on `PUT /internal/rules`. Its `/metrics` counts each
/// request under the unit it routed it to.
struct GatewayResponder: MeteredResponder {
    typealias Context = BasicRequestContext
    static let userIdHeader = HTTPFields.Element.Name("X-User-Id")!

    let table: RoutingTable
    /// Unit → storefront base URL.
    let storefronts: [String: String]
    /// Unit → order service base URL.
    var orders: [String: String] = [:]
    let token: String
    var unitIn: UnitMarking = .both
    var upstreamTimeout: Duration = .seconds(5)

    /// The paths relayed to a unit, after a `/users/{userId}` prefix when the key is in the path.
    static let relayedPaths: Set<String> = ["/storefront", "/orders"]

    func respond(to request: Request, context: Context) async throws -> Response {
        try await meteredResponse(to: request, context: context).response
    }

    /// The response, and the unit the request was routed to (nil: none).
    func meteredResponse(to request: Request, context: Context) async throws -> (response: Response, unit: String?) {
        switch request.uri.path {
        case "/health":
            guard await table.document != nil else {
                return (JSONReply.error(.serviceUnavailable, "no routing rule loaded from the control plane yet"), nil)
            }
            return (JSONReply.health(service: LabRole.gateway.rawValue, unit: nil), nil)
        case "/internal/rules":
            return (try await acceptPush(request), nil)
        default:
            return try await relay(request)
        }
    }

    /// `/storefront`, `/orders`, `/users/{userId}/storefront`, `/users/{userId}/orders`, `/health`,
    /// `/internal/rules`; anything else is unmatched, though it is relayed all the same.
    func route(of request: Request) -> String {
        let path = request.uri.path
        if path == "/health" || path == "/internal/rules" || Self.relayedPaths.contains(path) { return path }
        if let byPath = RoutingKey.split(path: path), Self.relayedPaths.contains(byPath.rest) {
            return RoutingKey.pathPrefix + "{userId}" + byPath.rest
        }
        return LabMetrics.unmatchedRoute
    }

    // MARK: - Relay

    private func relay(_ request: Request) async throws -> (response: Response, unit: String?) {
        guard let document = await table.document else {
            return (JSONReply.error(.serviceUnavailable, "no routing rule loaded from the control plane yet"), nil)
        }
        let key = document.rule.key
        let byPath = RoutingKey.split(path: request.uri.path)
        let path = byPath?.rest ?? request.uri.path
        let found = RoutingKey.extractText(
            key: key, path: byPath?.value, query: request.uri.queryParameters[Substring(key)].map(String.init),
            header: request.headers[values: Self.userIdHeader].first, cookie: request.cookies[key]?.value,
            integer: document.rule.model.integerKeys)
        let userId: String
        switch found {
        case .success(let id): userId = id
        case .failure(let problem): return (JSONReply.error(.badRequest, problem.message), nil)
        }
        guard let unit = document.rule.unit(for: userId) else {
            return (
                JSONReply.error(
                    .serviceUnavailable, "no unit serves \(key) \(userId) under rule version \(document.version)"),
                nil
            )
        }
        let service = path == "/orders" ? "order service" : "storefront"
        guard let upstream = (path == "/orders" ? orders : storefronts)[unit] else {
            return (marked(JSONReply.error(.badGateway, "no \(service) is known for unit \(unit)", unit: unit)), unit)
        }

        var incoming = request
        let body = try await incoming.collectBody(upTo: 1 << 20)
        var headers: [(name: String, value: String)] = [("X-User-Id", userId)]
        if let contentType = request.headers[.contentType] { headers.append(("Content-Type", contentType)) }
        let query = request.uri.query.map { "?" + $0 } ?? ""
        let reply = await Upstream.send(
            method: request.method.rawValue, url: upstream + path + query, headers: headers,
            body: body.readableBytes > 0 ? Array(body.readableBytesView) : nil, timeout: upstreamTimeout)
        switch reply {
        case .success(let reply):
            let body = unitIn.inBody ? JSONReply.addingUnit(unit, to: reply.body) : reply.body
            return (
                marked(
                    JSONReply.raw(
                        HTTPResponse.Status(code: reply.status), body, contentType: reply.contentType, unit: unit)),
                unit
            )
        case .failure(let error):
            return (
                marked(
                    JSONReply.error(
                        .badGateway, "\(service) of unit \(unit) unreachable: \(error.message)", unit: unit)),
                unit
            )
        }
    }

    /// `response` without `X-Unit` when the unit is named in the body only (`--unit-in body`).
    private func marked(_ response: Response) -> Response {
        guard !unitIn.inHeader else { return response }
        var response = response
        response.headers[JSONReply.unitHeader] = nil
        return response
    }

    // MARK: - Rule push

    private func acceptPush(_ request: Request) async throws -> Response {
        guard request.method == .put else {
            return JSONReply.error(.methodNotAllowed, "use PUT /internal/rules")
        }
        guard BearerToken.isAuthorized(request, token: token) else {
            return JSONReply.error(.unauthorized, "missing or wrong bearer token")
        }
        var incoming = request
        let body = try await incoming.collectBody(upTo: 1 << 20)
        guard let document = try? JSONDecoder().decode(RuleDocument.self, from: Data(body.readableBytesView)) else {
            return JSONReply.error(.badRequest, "body is not a rule document")
        }
        let applied = await table.apply(document)
        struct Answer: Encodable {
            var version: Int
            var applied: Bool
        }
        return JSONReply.make(.ok, Answer(version: await table.document?.version ?? document.version, applied: applied))
    }
}
