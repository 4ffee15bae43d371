import Foundation
import Hummingbird

/// The lab's control plane API. Every `/v1/*` request needs the bearer token.
///
/// - `GET /v1/rules` — the routing rule in force, with its version
/// - `POST /v1/cutovers` — move users, ranges and/or shards between units; 202 and a cut-over id
/// - `GET /v1/cutovers/{id}` — its state and phase timestamps; `GET /v1/cutovers` — all of them
/// - `POST /v1/cutback` — restore the baseline rule, the same way
/// - `GET /v1/write-blocks` — what is write-blocked right now
struct ControlPlaneResponder: MeteredResponder {
    typealias Context = BasicRequestContext

    let state: ControlPlaneState
    let runner: CutoverRunner
    let log: GroundTruthLog
    let token: String

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path == "/health" {
            return JSONReply.health(service: LabRole.controlPlane.rawValue, unit: nil)
        }
        guard path.hasPrefix("/v1/") else {
            return JSONReply.error(.notFound, "no such endpoint: \(path)")
        }
        guard BearerToken.isAuthorized(request, token: token) else {
            return JSONReply.error(
                .unauthorized, "missing or wrong bearer token (send 'Authorization: Bearer <token>')")
        }
        let segments = path.split(separator: "/").dropFirst().map(String.init)  // after "v1"
        switch (request.method, segments) {
        case (.get, ["rules"]):
            return JSONReply.make(.ok, await state.document)
        case (.post, ["cutovers"]):
            var incoming = request
            let body = try await incoming.collectBody(upTo: 1 << 20)
            switch CutoverRequest.parse(
                Data(body.readableBytesView), units: await state.units, rule: await state.document.rule)
            {
            case .success(let move): return await accept(move)
            case .failure(let error): return JSONReply.error(.badRequest, error.message)
            }
        case (.get, ["cutovers"]):
            return JSONReply.make(.ok, await state.allCutovers)
        case (.get, let parts) where parts.count == 2 && parts[0] == "cutovers":
            guard let cutover = await state.cutover(parts[1]) else {
                return JSONReply.error(.notFound, "no cut-over with id '\(parts[1])'")
            }
            return JSONReply.make(.ok, cutover)
        case (.post, ["cutback"]):
            return await accept(nil)
        case (.get, ["write-blocks"]):
            return JSONReply.make(.ok, await state.writeBlocks)
        case (_, ["rules"]), (_, ["cutovers"]), (_, ["cutback"]), (_, ["write-blocks"]):
            return JSONReply.error(.methodNotAllowed, "\(request.method.rawValue) is not allowed on \(path)")
        default:
            return JSONReply.error(.notFound, "no such endpoint: \(request.method.rawValue) \(path)")
        }
    }

    /// `/health`, `/v1/rules`, `/v1/cutovers`, `/v1/cutovers/{id}`, `/v1/cutback`, `/v1/write-blocks`.
    func route(of request: Request) -> String {
        let path = request.uri.path
        if path == "/health" { return path }
        let segments = path.split(separator: "/").map(String.init)
        switch segments {
        case ["v1", "rules"], ["v1", "cutovers"], ["v1", "cutback"], ["v1", "write-blocks"]: return path
        case let parts where parts.count == 3 && parts[0] == "v1" && parts[1] == "cutovers": return "/v1/cutovers/{id}"
        default: return LabMetrics.unmatchedRoute
        }
    }

    /// Records the cut-over as accepted (ground truth first), queues it and answers 202.
    private func accept(_ move: CutoverRequest?) async -> Response {
        let at = LabTimestamp.now()
        let cutover = await state.accept(move, at: at)
        await log.append(cutover: cutover.id, phase: .accepted, at: at)
        runner.enqueue(cutover.id)
        struct Accepted: Encodable {
            var id: String
            var state: String
        }
        return JSONReply.make(
            .accepted, Accepted(id: cutover.id, state: CutoverPhase.accepted.rawValue),
            headers: [.location: "/v1/cutovers/\(cutover.id)"])
    }
}
