/// A `host:port` as Toxiproxy's `listen` and `upstream` fields spell it (`127.0.0.1:9314`,
/// `localhost:6379`, `[::1]:8080`).
struct ProxyAddress: Sendable, Hashable, CustomStringConvertible {
    var host: String
    var port: Int

    /// Nil unless `text` is `host:port` with a port in 0...65535.
    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else { return nil }
        self.host = host
        self.port = port
    }

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
