import Foundation
import Hummingbird

/// A unit's order service, on SQLite.
///
/// - `POST /orders?userId=N` `{"item":..,"seq":17,"tag":".."}` — 201 once the order and its outbox
///   row are committed; 409 `not-routed-here` when the rule sends the user elsewhere, 423
///   `write-blocked` while a cut-over's write block covers the user (dirty-write protection)
/// - `GET /orders?userId=N[&tag=T]` — the user's orders here, own and replicated, for any user
/// - `GET /internal/replication` — committed, shipped and applied positions
/// - `POST /internal/replicate`, `PUT /internal/control`, `POST /internal/catch-up` — from the other
///   units and the control plane, with the lab's bearer token
struct OrderResponder: MeteredResponder {
    typealias Context = BasicRequestContext

    let store: OrderStore
    let catchUp: OrderCatchUp
    let token: String

    var unit: String { store.unit }
    /// 423, which swift-http-types does not name.
    static let locked = HTTPResponse.Status(code: 423, reasonPhrase: "Locked")

    func respond(to request: Request, context: Context) async throws -> Response {
        switch (request.method, request.uri.path) {
        case (_, "/health"):
            guard await store.control != nil else {
                return JSONReply.error(
                    .serviceUnavailable, "no routing rule pushed by the control plane yet", unit: unit)
            }
            return JSONReply.health(service: LabRole.order.rawValue, unit: unit)
        case (.post, "/orders"):
            return try await place(request)
        case (.get, "/orders"):
            return try await list(request)
        case (.get, "/internal/replication"):
            return try JSONReply.make(.ok, await store.positions(peers: catchUp.origins), unit: unit)
        case (.post, "/internal/replicate"), (.put, "/internal/control"), (.post, "/internal/catch-up"):
            guard BearerToken.isAuthorized(request, token: token) else {
                return JSONReply.error(.unauthorized, "missing or wrong bearer token", unit: unit)
            }
            return try await handleInternal(request)
        case (_, "/orders"), (_, "/internal/replication"), (_, "/internal/replicate"), (_, "/internal/control"),
            (_, "/internal/catch-up"):
            return JSONReply.error(
                .methodNotAllowed, "\(request.method.rawValue) is not allowed on \(request.uri.path)", unit: unit)
        default:
            return JSONReply.error(.notFound, "no such endpoint: \(request.uri.path)", unit: unit)
        }
    }

    /// The paths this service serves, each its own route pattern.
    static let routes: Set<String> = [
        "/health", "/orders", "/internal/replication", "/internal/replicate", "/internal/control",
        "/internal/catch-up",
    ]

    func route(of request: Request) -> String {
        Self.routes.contains(request.uri.path) ? request.uri.path : LabMetrics.unmatchedRoute
    }

    // MARK: - Orders

    private func place(_ request: Request) async throws -> Response {
        let user: Int
        switch userId(of: request) {
        case .success(let id): user = id
        case .failure(let problem): return JSONReply.error(.badRequest, problem.message, unit: unit)
        }
        var incoming = request
        let body = Array(try await incoming.collectBody(upTo: 1 << 16).readableBytesView)
        let draft: OrderDraft
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            draft = OrderDraft()
        } else {
            do {
                draft = try RequestBody.decode(OrderDraft.self, from: body)
            } catch {
                return JSONReply.error(.badRequest, error.message, unit: unit, userId: LabUserKey(String(user)))
            }
        }
        switch try await store.place(user: user, draft: draft) {
        case .placed(let record):
            return JSONReply.make(.created, Placed(record: record, unit: unit), unit: unit)
        case .notRoutedHere(let routedTo):
            return JSONReply.make(
                .conflict, Refusal(error: "not-routed-here", unit: unit, routedTo: routedTo ?? "none"), unit: unit)
        case .writeBlocked(let cutover):
            return JSONReply.make(
                Self.locked, Refusal(error: "write-blocked", unit: unit, cutover: cutover), unit: unit)
        case .noRule:
            return JSONReply.error(
                .serviceUnavailable, "no routing rule pushed by the control plane yet", unit: unit,
                userId: LabUserKey(String(user)))
        }
    }

    private func list(_ request: Request) async throws -> Response {
        let user: Int
        switch userId(of: request) {
        case .success(let id): user = id
        case .failure(let problem): return JSONReply.error(.badRequest, problem.message, unit: unit)
        }
        let tag = request.uri.queryParameters["tag"].map(String.init)
        let orders = try await store.orders(user: user, tag: tag)
        return JSONReply.make(.ok, Listing(unit: unit, user: user, orders: orders), unit: unit)
    }

    private func userId(of request: Request) -> Result<Int, RoutingKey.Problem> {
        RoutingKey.extract(
            key: "userId", query: request.uri.queryParameters["userId"].map(String.init),
            header: request.headers[values: GatewayResponder.userIdHeader].first, cookie: nil)
    }

    // MARK: - Internal

    private func handleInternal(_ request: Request) async throws -> Response {
        var incoming = request
        let body = Array(try await incoming.collectBody(upTo: 8 << 20).readableBytesView)
        switch request.uri.path {
        case "/internal/replicate":
            let batch: ReplicationBatch
            do {
                batch = try RequestBody.decode(ReplicationBatch.self, from: body)
            } catch {
                return JSONReply.error(.badRequest, error.message, unit: unit)
            }
            let applied = try await store.apply(batch.orders, origin: batch.origin)
            return JSONReply.make(.ok, ReplicationAck(origin: batch.origin, applied: applied), unit: unit)
        case "/internal/control":
            let snapshot: ControlSnapshot
            do {
                snapshot = try RequestBody.decode(ControlSnapshot.self, from: body)
            } catch {
                return JSONReply.error(.badRequest, error.message, unit: unit)
            }
            let applied = await store.apply(snapshot)
            struct Answer: Encodable {
                var version: Int
                var applied: Bool
            }
            return JSONReply.make(
                .ok, Answer(version: await store.control?.version ?? 0, applied: applied), unit: unit)
        default:
            struct Ask: Decodable { var origin: String }
            let ask: Ask
            do {
                ask = try RequestBody.decode(Ask.self, from: body)
            } catch {
                return JSONReply.error(.badRequest, error.message, unit: unit)
            }
            guard catchUp.origins.contains(ask.origin) else {
                return JSONReply.error(
                    .badRequest,
                    "unit \(unit) replicates from \(catchUp.origins.joined(separator: ", ")) only, not '\(ask.origin)'",
                    unit: unit)
            }
            return JSONReply.make(.ok, try await catchUp.run(origin: ask.origin), unit: unit)
        }
    }
}

// MARK: - Bodies

/// `201` to `POST /orders`.
private struct Placed: Encodable {
    var record: OrderRecord
    var unit: String

    enum CodingKeys: String, CodingKey {
        case id, unit, user, seq, tag, origin, item
        case createdMilliseconds = "created_ms"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(record.id, forKey: .id)
        try c.encode(unit, forKey: .unit)
        try c.encode(record.user, forKey: .user)
        try c.encode(record.seq, forKey: .seq)  // null, not absent, when the write had none
        try c.encode(record.tag, forKey: .tag)
        try c.encode(record.origin, forKey: .origin)
        try c.encode(record.item, forKey: .item)
        try c.encode(record.createdMilliseconds, forKey: .createdMilliseconds)
    }
}

/// `409 not-routed-here` and `423 write-blocked`.
private struct Refusal: Encodable {
    var error: String
    var unit: String
    var routedTo: String?
    var cutover: String?

    enum CodingKeys: String, CodingKey {
        case error, unit, cutover
        case routedTo = "routed_to"
    }
}

/// `200` to `GET /orders`.
private struct Listing: Encodable {
    var unit: String
    var user: Int
    var orders: [OrderRecord]

    enum CodingKeys: String, CodingKey { case unit, user, orders, seqs }

    private struct Row: Encodable {
        var record: OrderRecord
        enum CodingKeys: String, CodingKey {
            case id, seq, tag, origin, item
            case createdMilliseconds = "created_ms"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(record.id, forKey: .id)
            try c.encode(record.seq, forKey: .seq)
            try c.encode(record.tag, forKey: .tag)
            try c.encode(record.origin, forKey: .origin)
            try c.encode(record.item, forKey: .item)
            try c.encode(record.createdMilliseconds, forKey: .createdMilliseconds)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(unit, forKey: .unit)
        try c.encode(user, forKey: .user)
        try c.encode(orders.map(Row.init), forKey: .orders)
        try c.encode(orders.compactMap(\.seq).sorted(), forKey: .seqs)
    }
}
