import Foundation

/// Why a request to a Toxiproxy admin API (a real Toxiproxy, or a lab's fault proxy) failed.
public enum ToxiproxyError: Error, LocalizedError, Equatable, Sendable {
    /// No HTTP answer at all: nothing listens there, or it did not answer in time.
    case unreachable(url: String, reason: String)
    /// The API has no proxy of that name; `known` lists the ones it has.
    case proxyNotFound(String, known: [String], url: String)
    /// The proxy has no toxic of that name; `known` lists the ones it has.
    case toxicNotFound(String, proxy: String, known: [String], url: String)
    /// A toxic of that name is already on the proxy.
    case toxicExists(String, proxy: String, url: String)
    /// Any other refusal, with the API's own message (`invalid toxic type`, `bad request body: ...`).
    case rejected(status: Int, message: String, request: String, url: String)
    /// An answer that is not the JSON the API documents.
    case invalidResponse(request: String, reason: String, url: String)

    public var errorDescription: String? {
        switch self {
        case .unreachable(let url, let reason):
            "cannot reach the Toxiproxy API at \(url) (\(reason)); check that the proxy runs "
                + "(for the lab: 'gameday lab status') and that the target's proxy url is right"
        case .proxyNotFound(let name, let known, let url):
            "no proxy '\(name)' at \(url); \(Self.list(known, empty: "it has no proxies", some: "it has"))"
        case .toxicNotFound(let name, let proxy, let known, let url):
            "proxy '\(proxy)' at \(url) has no toxic '\(name)'; "
                + Self.list(known, empty: "it has no toxics", some: "it has")
        case .toxicExists(let name, let proxy, let url):
            "proxy '\(proxy)' at \(url) already has a toxic named '\(name)'; "
                + "remove it first (a fault left by an earlier run?) or choose another name"
        case .rejected(let status, let message, let request, let url):
            "the Toxiproxy API at \(url) refused \(request) with \(status): \(message)"
        case .invalidResponse(let request, let reason, let url):
            "the Toxiproxy API at \(url) answered \(request) with something other than its JSON: \(reason)"
        }
    }

    private static func list(_ names: [String], empty: String, some: String) -> String {
        names.isEmpty ? empty : "\(some): \(names.sorted().joined(separator: ", "))"
    }
}
