import Foundation
import Hummingbird

/// The admin API of a unit's fault proxy: a compatible subset of Toxiproxy's HTTP API, so its
/// clients and `ToxiproxyClient` work against either.
struct FaultProxyResponder: MeteredResponder {
    typealias Context = BasicRequestContext

    /// What `GET /version` answers: Toxiproxy's API version 2, served by gameday.
    static let version = "2.0.0-gameday"

    let registry: ProxyRegistry
    let unit: String

    func respond(to request: Request, context: Context) async throws -> Response {
        do {
            return try await answer(request)
        } catch let error as FaultProxyAPIError {
            return JSONReply.make(.init(code: error.status), error)
        }
    }

    func route(of request: Request) -> String {
        FaultProxyRoute.pattern(of: request.uri.path) ?? LabMetrics.unmatchedRoute
    }

    private func answer(_ request: Request) async throws -> Response {
        switch try FaultProxyRoute.match(method: request.method.rawValue, path: request.uri.path).get() {
        case .health:
            return JSONReply.health(service: LabRole.faultProxy.rawValue, unit: unit)
        case .version:
            return JSONReply.make(.ok, ["version": Self.version])
        case .reset:
            try await registry.reset()
            return Response(status: .noContent)
        case .listProxies:
            return JSONReply.make(.ok, await registry.all())
        case .createProxy:
            let body = try await self.body(of: request)
            return JSONReply.make(.created, try await registry.create(ProxyRequest.decode(body)))
        case .showProxy(let name):
            return JSONReply.make(.ok, try await registry.proxy(name))
        case .updateProxy(let name):
            let body = try await self.body(of: request)
            return JSONReply.make(.ok, try await registry.update(name, ProxyRequest.decode(body)))
        case .deleteProxy(let name):
            try await registry.delete(name)
            return Response(status: .noContent)
        case .listToxics(let proxy):
            return JSONReply.make(.ok, try await registry.toxics(of: proxy))
        case .createToxic(let proxy):
            // Toxiproxy answers 200 here, not 201.
            let body = try await self.body(of: request)
            return JSONReply.make(.ok, try await registry.addToxic(ToxicRequest.decode(body), to: proxy))
        case .showToxic(let toxic, let proxy):
            return JSONReply.make(.ok, try await registry.toxic(toxic, of: proxy))
        case .updateToxic(let toxic, let proxy):
            let body = try await self.body(of: request)
            return JSONReply.make(.ok, try await registry.updateToxic(toxic, ToxicRequest.decode(body), of: proxy))
        case .deleteToxic(let toxic, let proxy):
            try await registry.removeToxic(toxic, from: proxy)
            return Response(status: .noContent)
        }
    }

    private func body(of request: Request) async throws -> [UInt8] {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        return Array(buffer.readableBytesView)
    }
}
