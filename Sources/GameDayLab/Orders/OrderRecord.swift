/// One order as a unit stores it, replicates it and reads it back.
///
/// Its id is its origin unit and that unit's outbox position, `beijing-42`: every unit numbers its
/// own writes, so ids never collide once replicated (Ele.me's DRC gives each ezone its own key
/// space the same way).
struct OrderRecord: Sendable, Hashable, Codable {
    /// The unit that accepted the write.
    var origin: String
    /// Its position in the origin's outbox: the order of replication.
    var position: Int
    var user: Int
    var item: String?
    var seq: Int?
    var tag: String?
    /// When the origin committed it (Unix milliseconds).
    var createdMilliseconds: Double

    var id: String { "\(origin)-\(position)" }

    enum CodingKeys: String, CodingKey {
        case origin, position, user, item, seq, tag
        case createdMilliseconds = "created_ms"
    }
}

/// The body of `POST /orders`: every field optional. `seq` may be a number or a numeric string,
/// because drill templates render `"{{canary.seq}}"` as a string.
struct OrderDraft: Sendable, Hashable, Decodable {
    var item: String?
    var seq: Int?
    var tag: String?

    enum CodingKeys: String, CodingKey { case item, seq, tag }

    init(item: String? = nil, seq: Int? = nil, tag: String? = nil) {
        self.item = item
        self.seq = seq
        self.tag = tag
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        item = try c.decodeIfPresent(String.self, forKey: .item)
        tag = try c.decodeIfPresent(String.self, forKey: .tag)
        if let text = try? c.decodeIfPresent(String.self, forKey: .seq) {
            guard let number = Int(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .seq, in: c, debugDescription: "seq must be a whole number, not '\(text)'")
            }
            seq = number
        } else {
            seq = try c.decodeIfPresent(Int.self, forKey: .seq)
        }
    }
}

/// `POST /internal/replicate`: rows of one origin's outbox, in order.
struct ReplicationBatch: Sendable, Hashable, Codable {
    var origin: String
    var orders: [OrderRecord]
}

/// What `POST /internal/replicate` answers: how far the receiver has applied that origin.
struct ReplicationAck: Sendable, Hashable, Codable {
    var origin: String
    var applied: Int
}

/// `GET /internal/replication`: the unit's replication positions.
struct ReplicationPositions: Sendable, Hashable, Codable {
    var unit: String
    /// The last outbox position committed here (every acknowledged write is at or below it).
    var committed: Int
    /// Peer unit → the last position it has confirmed applying.
    var shipped: [String: Int]
    /// Origin unit → the last of its positions applied here.
    var applied: [String: Int]
    /// How old a row must be before it is shipped.
    var lagMilliseconds: Double

    enum CodingKeys: String, CodingKey {
        case unit, committed, shipped, applied
        case lagMilliseconds = "lag_ms"
    }
}
