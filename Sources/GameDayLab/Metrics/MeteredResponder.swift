import Hummingbird

/// A lab service whose requests its `/metrics` counts (`MetricsEndpoint`).
protocol MeteredResponder: HTTPResponder where Context == BasicRequestContext {
    /// The route pattern `request` is counted under (`/v1/cutovers/{id}`), never the raw path with
    /// its ids; `LabMetrics.unmatchedRoute` for a path the service does not serve.
    func route(of request: Request) -> String

    /// The response, with the unit it is counted under when that is not the service's own: the
    /// gateway's is the unit it routed the request to.
    func meteredResponse(to request: Request, context: Context) async throws -> (response: Response, unit: String?)
}

extension MeteredResponder {
    func meteredResponse(to request: Request, context: Context) async throws -> (response: Response, unit: String?) {
        (try await respond(to: request, context: context), nil)
    }
}

/// Serves `GET /metrics` in front of a lab service, and counts and times every other request the
/// service answers.
struct MetricsEndpoint<Service: MeteredResponder>: HTTPResponder {
    typealias Context = BasicRequestContext

    let service: Service
    let metrics: LabMetrics
    /// Brings the gauges read from the service's state up to date before a scrape.
    var beforeScrape: @Sendable () async -> Void = {}

    func respond(to request: Request, context: Context) async throws -> Response {
        if request.uri.path == LabMetrics.path {
            guard request.method == .get || request.method == .head else {
                return JSONReply.error(.methodNotAllowed, "use GET \(LabMetrics.path)")
            }
            await beforeScrape()
            return Response(
                status: .ok, headers: [.contentType: LabMetrics.contentType],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        let route = service.route(of: request)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let (response, unit) = try await service.meteredResponse(to: request, context: context)
            metrics.recordRequest(unit: unit, route: route, code: response.status.code, duration: clock.now - start)
            return response
        } catch {
            // Hummingbird answers a thrown error with its status, or 500: count what the client gets.
            let code = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.recordRequest(unit: nil, route: route, code: code, duration: clock.now - start)
            throw error
        }
    }
}
