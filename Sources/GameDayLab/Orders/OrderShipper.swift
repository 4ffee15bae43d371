import Foundation

/// Ships a unit's outbox to one peer unit's order service (`POST /internal/replicate`), in order,
/// each row once it is at least the replication lag old: asynchronous replication with a lag, as
/// DRC gives Ele.me's ezones.
///
/// It runs inside the order service, so killing the service stops shipping; the unshipped rows
/// wait in the database file, and a restarted service carries on from its `shipped` position. The
/// peer answers with how far it has applied this unit, which becomes the new `shipped`: a peer that
/// already has the rows (it pulled them during a cut-over) just moves the position on. An order
/// service runs one shipper per other unit, each with its own `shipped` position.
struct OrderShipper: Sendable {
    let store: OrderStore
    /// The unit shipped to.
    let peer: String
    let peerURL: String
    let token: String
    /// How often the outbox is looked at; a row waits at most this long beyond the lag.
    var pollInterval: Duration = .milliseconds(20)
    var retryInterval: Duration = .milliseconds(200)

    func run() async {
        var reported: String?
        while !Task.isCancelled {
            let problem = await shipOnce()
            if let problem, problem != reported {
                LabLog.line("replication to \(peer) (\(peerURL)): \(problem); retrying")
            } else if problem == nil, reported != nil {
                LabLog.line("replication to \(peer) (\(peerURL)) resumed")
            }
            reported = problem
            try? await Task.sleep(for: problem == nil ? pollInterval : retryInterval)
        }
    }

    /// Ships every row due now; returns what went wrong, or nil.
    func shipOnce() async -> String? {
        while !Task.isCancelled {
            let rows: [OrderRecord]
            do {
                rows = try await store.shippable(to: peer)
            } catch {
                return "cannot read the outbox: \(error.localizedDescription)"
            }
            guard !rows.isEmpty else { return nil }
            let batch = ReplicationBatch(origin: store.unit, orders: rows)
            guard let body = try? JSONEncoder().encode(batch) else { return "batch could not be encoded" }
            let reply = await Upstream.send(
                method: "POST", url: peerURL + "/internal/replicate",
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                body: Array(body), timeout: .seconds(2))
            switch reply {
            case .failure(let error):
                return "peer unreachable: \(error.message)"
            case .success(let reply) where reply.status != 200:
                return "peer answered HTTP \(reply.status): \(String(decoding: reply.body, as: UTF8.self))"
            case .success(let reply):
                guard let ack = try? JSONDecoder().decode(ReplicationAck.self, from: Data(reply.body)) else {
                    return "peer's answer is not a replication ack"
                }
                do {
                    try await store.shipped(upTo: ack.applied, to: peer)
                } catch {
                    return "cannot record the shipped position: \(error.localizedDescription)"
                }
                // The peer stopped at a gap below what was sent: it is resent from there next time.
                if ack.applied < rows.last?.position ?? 0 { return nil }
            }
        }
        return nil
    }
}
