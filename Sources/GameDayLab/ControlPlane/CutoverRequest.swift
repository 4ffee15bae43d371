import Foundation
import GameDayCore

/// The body of `POST /v1/cutovers`: users and ranges move from one unit to another,
/// `{"from":"beijing","to":"hangzhou","users":[6000],"ranges":[{"from":5000,"to":9999}]}`, and
/// shards each to the unit named, `{"from":"shenzhen","shards":{"guangdong":"beijing","guangxi":"hangzhou"}}`.
/// Keys are JSON numbers or strings (`"M100017"`).
struct CutoverRequest: Sendable, Hashable, Decodable {
    var from: String
    var to: String?
    var users: [String]?
    var ranges: [SlotRange]?
    /// Shard → the unit it moves to.
    var shards: [String: String]?

    enum CodingKeys: String, CodingKey {
        case from, to, users, ranges, shards
    }

    init(from: String, to: String?, users: [String]? = nil, ranges: [SlotRange]? = nil, shards: [String: String]? = nil)
    {
        self.from = from
        self.to = to
        self.users = users
        self.ranges = ranges
        self.shards = shards
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        from = try c.decode(String.self, forKey: .from)
        to = try c.decodeIfPresent(String.self, forKey: .to)
        users = try c.decodeIfPresent(LabKeys.self, forKey: .users)?.wrappedValue
        ranges = try c.decodeIfPresent([SlotRange].self, forKey: .ranges)
        shards = try c.decodeIfPresent([String: String].self, forKey: .shards)
    }

    /// Decodes and validates a body against the rule in force; the error message goes back to the
    /// caller with a 400.
    static func parse(_ body: Data, units: [String], rule: RoutingRule) -> Result<CutoverRequest, CutoverRequestError> {
        let modulo = rule.modulo
        let request: CutoverRequest
        do {
            request = try JSONDecoder().decode(CutoverRequest.self, from: body)
        } catch {
            return .failure(CutoverRequestError(message: "body is not a cut-over request: \(describe(error))"))
        }
        let destinations =
            [request.to].compactMap { $0 }
            + (request.shards ?? [:]).keys.sorted().compactMap {
                request.shards?[$0]
            }
        for unit in [request.from] + destinations where !units.contains(unit) {
            return .failure(
                CutoverRequestError(message: "unknown unit '\(unit)' (known: \(units.joined(separator: ", ")))"))
        }
        if destinations.contains(request.from) {
            return .failure(
                CutoverRequestError(
                    message: "'\(request.from)' is both where keys move from and to; nothing would move"))
        }
        let usersOrRanges = !(request.users ?? []).isEmpty || !(request.ranges ?? []).isEmpty
        if !usersOrRanges && (request.shards ?? [:]).isEmpty {
            return .failure(CutoverRequestError(message: "nothing to move: give 'users', 'ranges' and/or 'shards'"))
        }
        if usersOrRanges, request.to == nil {
            return .failure(CutoverRequestError(message: "'users' and 'ranges' move to 'to', which is missing"))
        }
        for shard in (request.shards ?? [:]).keys.sorted() {
            guard let current = rule.shards[shard] else {
                let known = rule.shardNames.joined(separator: ", ")
                return .failure(
                    CutoverRequestError(message: "unknown shard '\(shard)' (known: \(known.isEmpty ? "none" : known))"))
            }
            if current != request.from {
                return .failure(
                    CutoverRequestError(
                        message: "shard '\(shard)' is served by '\(current)', not by '\(request.from)'"))
            }
        }
        for range in request.ranges ?? [] where range.from > range.to || range.from < 0 || range.to >= modulo {
            return .failure(
                CutoverRequestError(
                    message: "range \(range.from)~\(range.to) is not within 0~\(modulo - 1) with from <= to"))
        }
        return .success(request)
    }

    /// A decoding error in words: which field, what was wrong.
    private static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(
                separator: ".")
            return joined.isEmpty ? "" : " at '\(joined)'"
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case .typeMismatch(let type, let context): return "expected \(type)\(path(context))"
        case .valueNotFound(let type, let context): return "expected \(type)\(path(context))"
        case .dataCorrupted(let context): return "invalid JSON\(path(context))"
        default: return "\(error)"
        }
    }
}

/// A cut-over request that cannot be carried out, in words for the caller.
struct CutoverRequestError: Error, Sendable, Hashable {
    var message: String
}
