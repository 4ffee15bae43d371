import Foundation
import GameDayCore

#if canImport(Glibc)
    import Glibc
#endif

/// A probe request as the engine's own HTTP/1.1 client sends it (`RawProbeTransport`): the address
/// to connect to and the request's bytes, rendered once. Only requests that client sends as curl
/// would have one: `http://` to an IPv4 or IPv6 address written as a number (no name to resolve),
/// no user in the URL, no body on GET or HEAD (curl would make that a POST); anything else is left
/// to curl.
///
/// The bytes are what curl sends for the same request: `Host` (with the port unless 80) and
/// `Accept: */*` unless the request gives them, the request's headers in order (one with an empty
/// value removes the header of that name, as in curl), and for a body its `Content-Length` and
/// curl's default `Content-Type: application/x-www-form-urlencoded` unless given.
struct RawHTTPTarget {
    /// The address, as a `sockaddr_in` or `sockaddr_in6`.
    let address: [UInt8]
    let bytes: [UInt8]
    /// HEAD: the answer has no body.
    let head: Bool

    init?(_ request: HTTPRequest) {
        guard let components = URLComponents(string: request.url),
            components.scheme?.lowercased() == "http", components.user == nil, components.password == nil,
            let written = components.percentEncodedHost, !written.isEmpty
        else { return nil }
        // An IPv6 address, with or without the brackets the URL has it in (Foundation versions differ).
        let bare = written.hasPrefix("[") && written.hasSuffix("]") ? String(written.dropFirst().dropLast()) : written
        let host = bare.contains(":") ? "[\(bare)]" : bare
        let port = components.port ?? 80
        guard (1...65535).contains(port), let address = Self.numericAddress(bare, port: UInt16(port)) else {
            return nil
        }
        let method = request.method.uppercased()
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else { return nil }
        if request.body != nil, method == "GET" || method == "HEAD" { return nil }
        guard
            request.headers.allSatisfy({ header in
                !header.name.isEmpty && header.name.utf8.allSatisfy(Self.isTokenByte)
                    && !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 })
            })
        else { return nil }

        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        if let query = components.percentEncodedQuery { path += "?" + query }
        guard !path.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return nil }

        var given = Set<String>()
        var lines: [String] = []
        for header in request.headers {
            given.insert(header.name.lowercased())
            let value = header.value.trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { lines.append("\(header.name): \(value)") }
        }
        var head = "\(method) \(path) HTTP/1.1\r\n"
        if !given.contains("host") { head += "Host: \(host)\(port == 80 ? "" : ":\(port)")\r\n" }
        if !given.contains("accept") { head += "Accept: */*\r\n" }
        for line in lines { head += line + "\r\n" }
        if let body = request.body {
            if !given.contains("content-length") { head += "Content-Length: \(body.count)\r\n" }
            if !given.contains("content-type") { head += "Content-Type: application/x-www-form-urlencoded\r\n" }
        }
        head += "\r\n"
        self.address = address
        self.bytes = Array(head.utf8) + (request.body ?? [])
        self.head = method == "HEAD"
    }

    /// A method or header name: an HTTP token.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// The socket address of `host` if it is an IPv4 or an IPv6 address (without brackets).
    private static func numericAddress(_ host: String, port: UInt16) -> [UInt8]? {
        if host.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { return nil }
            return withUnsafeBytes(of: address) { Array($0) }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        // inet_pton takes only the dotted quad; inet_aton would also take "127.1" or "0x7f.1", which
        // curl resolves differently.
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
        return withUnsafeBytes(of: address) { Array($0) }
    }
}
