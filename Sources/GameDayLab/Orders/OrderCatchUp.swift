import Foundation

/// `POST /internal/catch-up {"origin":"beijing"}` on the destination of a cut-over: how far this
/// unit is behind `origin`, pulling what it lacks when it can.
///
/// The target is the last position `origin` has committed. Its order service is asked first (it is
/// shipping anyway; the caller waits for the applied position to reach the target). When it does
/// not answer, the destination reads the rows it lacks straight from `origin`'s database file and
/// applies them: the lab's stand-in for DRC reading the binlog of a database whose application tier
/// is down (the unit's storage outlives its app). So a cut-over with a sync wait loses no
/// acknowledged write even when the source's order service was killed.
struct OrderCatchUp: Sendable {
    struct Answer: Sendable, Hashable, Codable {
        var origin: String
        /// The last position `origin` has committed.
        var target: Int
        /// How far this unit has applied `origin`.
        var applied: Int
        /// `peer` (its order service answered) or `database-file` (read from its database).
        var via: String
        /// Why the peer's order service was not used.
        var peerProblem: String?

        enum CodingKeys: String, CodingKey {
            case origin, target, applied, via
            case peerProblem = "peer_problem"
        }
    }

    let store: OrderStore
    /// Every other unit → its order service's base URL.
    let peerURLs: [String: String]
    /// Every other unit → its database file.
    let peerDatabasePaths: [String: String]

    /// The units this one replicates from, sorted.
    var origins: [String] { peerURLs.keys.sorted() }

    /// Catches up with `origin`, which must be one of `origins`.
    func run(origin: String) async throws -> Answer {
        guard let peerURL = peerURLs[origin], let peerDatabasePath = peerDatabasePaths[origin] else {
            throw UnknownOrigin(origin: origin)
        }
        let reply = await Upstream.send(url: peerURL + "/internal/replication", timeout: .milliseconds(500))
        let problem: String
        switch reply {
        case .success(let reply) where reply.status == 200:
            if let positions = try? JSONDecoder().decode(ReplicationPositions.self, from: Data(reply.body)) {
                return Answer(
                    origin: origin, target: positions.committed, applied: try await store.applied(origin: origin),
                    via: "peer")
            }
            problem = "its answer is not a replication position"
        case .success(let reply):
            problem = "HTTP \(reply.status)"
        case .failure(let error):
            problem = error.message
        }
        let pulled = try await store.pull(origin: origin, databasePath: peerDatabasePath)
        return Answer(
            origin: origin, target: pulled.committed, applied: pulled.applied, via: "database-file",
            peerProblem: problem)
    }
}

/// A catch-up asked for a unit that is not one of this unit's peers.
struct UnknownOrigin: Error {
    var origin: String
}
