extension LabManifest {
    /// A unit's fault proxy in `lab.json`: where its admin API is and what it forwards.
    ///
    /// ```json
    /// "fault_proxies": { "beijing": { "service": "beijing-fault-proxy", "admin_url": "http://127.0.0.1:9313",
    ///   "proxies": { "product": { "name": "product", "listen": "127.0.0.1:9314", "upstream": "127.0.0.1:9311" }, ... } } }
    /// ```
    public struct FaultProxy: Sendable, Hashable, Codable {
        /// The lab service that runs it, `beijing-fault-proxy`.
        public var service: String
        /// Its Toxiproxy-compatible admin API.
        public var adminURL: String
        /// Proxy name (`product`, `cart`) → what it listens on and forwards to.
        public var proxies: [String: FaultProxySpec]

        public init(service: String, adminURL: String, proxies: [String: FaultProxySpec]) {
            self.service = service
            self.adminURL = adminURL
            self.proxies = proxies
        }

        enum CodingKeys: String, CodingKey {
            case service, proxies
            case adminURL = "admin_url"
        }
    }
}
