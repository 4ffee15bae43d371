/// The body of `POST /proxies` (create) and `POST /proxies/{proxy}` (update):
/// `{"name":"product","listen":"127.0.0.1:9314","upstream":"127.0.0.1:9311","enabled":true}`.
/// Absent fields are nil: on create they take Toxiproxy's defaults, on update they stay as they are.
struct ProxyRequest: Decodable, Sendable, Hashable {
    var name: String?
    var listen: String?
    var upstream: String?
    var enabled: Bool?

    init(name: String? = nil, listen: String? = nil, upstream: String? = nil, enabled: Bool? = nil) {
        self.name = name
        self.listen = listen
        self.upstream = upstream
        self.enabled = enabled
    }

    init(_ spec: FaultProxySpec) {
        self.init(name: spec.name, listen: spec.listen, upstream: spec.upstream, enabled: true)
    }

    static func decode(_ body: [UInt8]) throws(FaultProxyAPIError) -> ProxyRequest {
        try RequestBody.decode(ProxyRequest.self, from: body)
    }

    /// `listen` as an address; a missing one is 127.0.0.1 on a port the kernel picks. (Toxiproxy
    /// listens on every interface then; a lab proxy should not be reachable from elsewhere.)
    static func address(_ text: String?, field: String) throws(FaultProxyAPIError) -> ProxyAddress {
        guard let text else {
            if field == "listen" { return ProxyAddress(host: "127.0.0.1", port: 0) }
            throw .missingField(field)
        }
        guard let address = ProxyAddress(text) else {
            throw .badRequestBody("'\(field)' must be host:port, such as 127.0.0.1:9314, not '\(text)'")
        }
        return address
    }
}
