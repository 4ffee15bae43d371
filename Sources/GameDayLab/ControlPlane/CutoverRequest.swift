import Foundation

/// The body of `POST /v1/cutovers`: `{"from":"beijing","to":"hangzhou","users":[6000],"ranges":[{"from":5000,"to":9999}]}`.
struct CutoverRequest: Sendable, Hashable, Decodable {
    var from: String
    var to: String
    var users: [Int]?
    var ranges: [SlotRange]?

    /// Decodes and validates a body; the error message goes back to the caller with a 400.
    static func parse(_ body: Data, units: [String], modulo: Int) -> Result<CutoverRequest, CutoverRequestError> {
        let request: CutoverRequest
        do {
            request = try JSONDecoder().decode(CutoverRequest.self, from: body)
        } catch {
            return .failure(CutoverRequestError(message: "body is not a cut-over request: \(describe(error))"))
        }
        for unit in [request.from, request.to] where !units.contains(unit) {
            return .failure(
                CutoverRequestError(message: "unknown unit '\(unit)' (known: \(units.joined(separator: ", ")))"))
        }
        if request.from == request.to {
            return .failure(
                CutoverRequestError(message: "'from' and 'to' are both '\(request.from)'; nothing would move"))
        }
        if (request.users ?? []).isEmpty && (request.ranges ?? []).isEmpty {
            return .failure(CutoverRequestError(message: "nothing to move: give 'users' and/or 'ranges'"))
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
