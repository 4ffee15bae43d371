import Hummingbird

/// A unit's product or cart service: `/health`, and one endpoint, `GET <path>?userId=N`, that
/// answers with the unit's sample data for that user.
struct UserDataResponder<Answer: Encodable & Sendable>: MeteredResponder {
    typealias Context = BasicRequestContext
    let role: LabRole
    let path: String
    let unit: String
    let answer: @Sendable (_ unit: String, _ userId: LabUserKey) -> Answer

    func respond(to request: Request, context: Context) async throws -> Response {
        switch request.uri.path {
        case "/health":
            return JSONReply.health(service: role.rawValue, unit: unit)
        case path:
            guard let userId = request.uri.queryParameters["userId"].map(String.init), !userId.isEmpty else {
                return JSONReply.error(.badRequest, "query parameter 'userId' is missing", unit: unit)
            }
            return JSONReply.make(.ok, answer(unit, LabUserKey(userId)), unit: unit)
        default:
            return JSONReply.error(.notFound, "no such endpoint: \(request.uri.path)", unit: unit)
        }
    }

    func route(of request: Request) -> String {
        [path, "/health"].contains(request.uri.path) ? request.uri.path : LabMetrics.unmatchedRoute
    }
}

extension UserDataResponder<ProductList> {
    /// The product service: `GET /products?userId=N`. The storefront cannot work without it.
    static func products(unit: String) -> Self {
        Self(role: .product, path: "/products", unit: unit, answer: ProductList.sample)
    }
}

extension UserDataResponder<Cart> {
    /// The cart service: `GET /cart?userId=N`. The storefront degrades without it.
    static func cart(unit: String) -> Self {
        Self(role: .cart, path: "/cart", unit: unit, answer: Cart.sample)
    }
}
