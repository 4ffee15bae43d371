import Foundation

/// A request of the admin API, told from its method and path (Toxiproxy's routes, plus `/health`
/// for the lab's supervisor).
enum FaultProxyRoute: Hashable, Sendable {
    case health
    case version
    case reset
    case listProxies
    case createProxy
    case showProxy(String)
    case updateProxy(String)
    case deleteProxy(String)
    case listToxics(proxy: String)
    case createToxic(proxy: String)
    case showToxic(String, proxy: String)
    case updateToxic(String, proxy: String)
    case deleteToxic(String, proxy: String)

    /// The route, or a 404 (no such path) or 405 (path known, method not) in Toxiproxy's error shape.
    static func match(method: String, path: String) -> Result<FaultProxyRoute, FaultProxyAPIError> {
        let segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        // PATCH is Toxiproxy's newer spelling of an update; POST still works there.
        let update = method == "POST" || method == "PATCH"
        let route: FaultProxyRoute?
        switch segments.count {
        case 1:
            switch segments[0] {
            case "health": route = method == "GET" ? .health : nil
            case "version": route = method == "GET" ? .version : nil
            case "reset": route = method == "POST" ? .reset : nil
            case "proxies": route = method == "GET" ? .listProxies : method == "POST" ? .createProxy : nil
            default: return .failure(notFound(path))
            }
        case 2 where segments[0] == "proxies":
            let name = segments[1]
            route =
                method == "GET"
                ? .showProxy(name) : update ? .updateProxy(name) : method == "DELETE" ? .deleteProxy(name) : nil
        case 3 where segments[0] == "proxies" && segments[2] == "toxics":
            let proxy = segments[1]
            route = method == "GET" ? .listToxics(proxy: proxy) : method == "POST" ? .createToxic(proxy: proxy) : nil
        case 4 where segments[0] == "proxies" && segments[2] == "toxics":
            let (proxy, toxic) = (segments[1], segments[3])
            route =
                method == "GET"
                ? .showToxic(toxic, proxy: proxy)
                : update
                    ? .updateToxic(toxic, proxy: proxy) : method == "DELETE" ? .deleteToxic(toxic, proxy: proxy) : nil
        default:
            return .failure(notFound(path))
        }
        guard let route else {
            return .failure(FaultProxyAPIError(message: "method \(method) not allowed on \(path)", status: 405))
        }
        return .success(route)
    }

    /// The route pattern of `path` for `/metrics` (`/proxies/{proxy}/toxics/{toxic}`), whatever the
    /// method; nil for a path that is no route.
    static func pattern(of path: String) -> String? {
        let segments = path.split(separator: "/")
        switch segments.count {
        case 1 where ["health", "version", "reset", "proxies"].contains(segments[0]): return "/" + segments[0]
        case 2 where segments[0] == "proxies": return "/proxies/{proxy}"
        case 3 where segments[0] == "proxies" && segments[2] == "toxics": return "/proxies/{proxy}/toxics"
        case 4 where segments[0] == "proxies" && segments[2] == "toxics": return "/proxies/{proxy}/toxics/{toxic}"
        default: return nil
        }
    }

    private static func notFound(_ path: String) -> FaultProxyAPIError {
        FaultProxyAPIError(message: "no such endpoint: \(path)", status: 404)
    }
}
