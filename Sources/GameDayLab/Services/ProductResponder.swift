import Hummingbird

/// A unit's product service: `GET /products?userId=N`. The storefront cannot work without it.
struct ProductResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let unit: String

    func respond(to request: Request, context: Context) async throws -> Response {
        switch request.uri.path {
        case "/health":
            return JSONReply.health(service: LabRole.product.rawValue, unit: unit)
        case "/products":
            guard let userId = request.uri.queryParameters["userId"].flatMap({ Int($0) }) else {
                return JSONReply.error(.badRequest, "query parameter 'userId' must be an integer", unit: unit)
            }
            return JSONReply.make(.ok, ProductList.sample(unit: unit, userId: userId), unit: unit)
        default:
            return JSONReply.error(.notFound, "no such endpoint: \(request.uri.path)", unit: unit)
        }
    }
}
