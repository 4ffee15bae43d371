import Foundation
import Hummingbird

/// A unit's storefront: `GET /storefront?userId=N` (or `X-User-Id`), composed from the unit's
/// product service (strong dependency: without it, 503) and cart service (weak dependency: without
/// it, 200 with `"cart":null,"degraded":true`).
struct StorefrontResponder: MeteredResponder {
    typealias Context = BasicRequestContext
    let unit: String
    let productURL: String
    let cartURL: String
    /// Short, so a dead dependency costs a user half a second rather than a hung page.
    var dependencyTimeout: Duration = .milliseconds(500)

    func respond(to request: Request, context: Context) async throws -> Response {
        switch request.uri.path {
        case "/health":
            return JSONReply.health(service: LabRole.storefront.rawValue, unit: unit)
        case "/storefront":
            guard request.method == .get || request.method == .head else {
                return JSONReply.error(.methodNotAllowed, "use GET /storefront", unit: unit)
            }
            let key = RoutingKey.extractText(
                key: "userId", query: request.uri.queryParameters["userId"].map(String.init),
                header: request.headers[values: GatewayResponder.userIdHeader].first, cookie: nil, integer: false)
            switch key {
            case .success(let userId): return await page(for: LabUserKey(userId))
            case .failure(let problem): return JSONReply.error(.badRequest, problem.message, unit: unit)
            }
        default:
            return JSONReply.error(.notFound, "no such endpoint: \(request.uri.path)", unit: unit)
        }
    }

    func route(of request: Request) -> String {
        ["/storefront", "/health"].contains(request.uri.path) ? request.uri.path : LabMetrics.unmatchedRoute
    }

    private func page(for userId: LabUserKey) async -> Response {
        async let products = fetch(ProductList.self, from: "\(productURL)/products?userId=\(userId.query)")
        async let cart = fetch(Cart.self, from: "\(cartURL)/cart?userId=\(userId.query)")
        guard let products = await products else {
            return JSONReply.error(.serviceUnavailable, "product service unavailable", unit: unit, userId: userId)
        }
        let cartOrNil = await cart
        let page = StorefrontPage(
            unit: unit, userId: userId, products: products.products, cart: cartOrNil, degraded: cartOrNil == nil)
        return JSONReply.make(.ok, page, unit: unit)
    }

    /// The decoded answer, or nil when the dependency is unreachable, slow, not 200 or not JSON.
    private func fetch<T: Decodable>(_ type: T.Type, from url: String) async -> T? {
        guard case .success(let reply) = await Upstream.send(url: url, timeout: dependencyTimeout),
            reply.status == 200
        else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(reply.body))
    }
}
