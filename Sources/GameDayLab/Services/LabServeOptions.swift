import GameDayCore

/// Everything one `gameday lab serve` process needs. `arguments` renders it back to the command
/// line, so the supervisor and the `serve` command agree on one spelling of every flag.
public struct LabServeOptions: Sendable, Hashable {
    public var role: LabRole
    public var unit: String?
    public var port: Int
    /// The address the HTTP server binds: 127.0.0.1, or 0.0.0.0 inside a unit's own network
    /// namespace, where the only interfaces are that namespace's loopback and its veth end.
    public var host: String
    public var runDirectory: String
    /// The token file; services read the token from it so it never shows in `ps`.
    public var tokenFile: String?
    /// Gateway: where to load rules from.
    public var controlPlaneURL: String?
    /// Control plane: where to push rules to.
    public var gatewayURL: String?
    /// Gateway: each unit's storefront base URL.
    public var storefronts: [String: String]
    /// Gateway and control plane: each unit's order service base URL.
    public var orders: [String: String]
    /// Order service: every other unit's order service, which it replicates to and catches up from.
    public var peerOrders: [String: String]
    /// Control plane: the lab's units in layout order, for its baseline rule (`LabRouting`).
    public var units: [String]
    /// Gateway: where it names the unit that served a request.
    public var unitIn: UnitMarking
    /// Control plane: the routing model of its baseline rule.
    public var routing: LabRoutingModel = .modulo
    /// Order service: how old an outbox row must be before it is shipped to the peers.
    public var replicationLag: Duration
    /// Storefront: its unit's product and cart base URLs.
    public var productURL: String?
    public var cartURL: String?
    /// Fault proxy: the proxies it creates when it starts (`--proxy name=listen,upstream`).
    public var proxies: [FaultProxySpec]
    /// Control plane: whether a cut-over waits until the destination has applied everything the
    /// source committed (`--no-sync-wait` switches right after the block), and how long at most.
    public var syncWait: Bool
    public var syncTimeout: Duration
    /// Control plane: an extra pause before each switch.
    public var switchDelay: Duration
    /// Exit when this process is gone (a test run that crashed must not leave a lab behind).
    public var tiedTo: Int32?

    public init(
        role: LabRole, unit: String? = nil, port: Int, host: String = "127.0.0.1", runDirectory: String,
        tokenFile: String? = nil,
        controlPlaneURL: String? = nil, gatewayURL: String? = nil, storefronts: [String: String] = [:],
        orders: [String: String] = [:], peerOrders: [String: String] = [:], units: [String] = [],
        unitIn: UnitMarking = .both, replicationLag: Duration = .milliseconds(100),
        productURL: String? = nil, cartURL: String? = nil, proxies: [FaultProxySpec] = [],
        syncWait: Bool = true, syncTimeout: Duration = .seconds(5),
        switchDelay: Duration = .zero, tiedTo: Int32? = nil
    ) {
        self.role = role
        self.unit = unit
        self.port = port
        self.host = host
        self.runDirectory = runDirectory
        self.tokenFile = tokenFile
        self.controlPlaneURL = controlPlaneURL
        self.gatewayURL = gatewayURL
        self.storefronts = storefronts
        self.orders = orders
        self.peerOrders = peerOrders
        self.units = units
        self.unitIn = unitIn
        self.replicationLag = replicationLag
        self.productURL = productURL
        self.cartURL = cartURL
        self.proxies = proxies
        self.syncWait = syncWait
        self.syncTimeout = syncTimeout
        self.switchDelay = switchDelay
        self.tiedTo = tiedTo
    }

    /// The service name: `gateway`, `control-plane`, `beijing-product`, ...
    public var serviceName: String { role.serviceName(unit: unit) }

    /// `lab serve ...` as argv (without the executable), only the flags this role uses.
    public var arguments: [String] {
        var argv = ["lab", "serve", "--role", role.rawValue]
        if let unit { argv += ["--unit", unit] }
        argv += ["--port", String(port)]
        if host != "127.0.0.1" { argv += ["--host", host] }
        argv += ["--run-dir", runDirectory]
        if let tokenFile { argv += ["--token-file", tokenFile] }
        if let controlPlaneURL { argv += ["--control-plane-url", controlPlaneURL] }
        if let gatewayURL { argv += ["--gateway-url", gatewayURL] }
        for unit in storefronts.keys.sorted() { argv += ["--storefront", "\(unit)=\(storefronts[unit]!)"] }
        for unit in orders.keys.sorted() { argv += ["--order", "\(unit)=\(orders[unit]!)"] }
        for unit in peerOrders.keys.sorted() { argv += ["--peer-order", "\(unit)=\(peerOrders[unit]!)"] }
        if !units.isEmpty { argv += ["--units", units.joined(separator: ",")] }
        if role == .gateway { argv += ["--unit-in", unitIn.rawValue] }
        if role == .controlPlane, routing != .modulo { argv += ["--routing", routing.rawValue] }
        if role == .order { argv += ["--replication-lag", DurationText.format(replicationLag)] }
        if let productURL { argv += ["--product-url", productURL] }
        if let cartURL { argv += ["--cart-url", cartURL] }
        for proxy in proxies { argv += ["--proxy", proxy.argument] }
        if role == .controlPlane {
            argv += [
                syncWait ? "--sync-wait" : "--no-sync-wait", "--sync-timeout", DurationText.format(syncTimeout),
                "--switch-delay", DurationText.format(switchDelay),
            ]
        }
        if let tiedTo { argv += ["--tied-to", String(tiedTo)] }
        return argv
    }

    /// Throws when a flag this role cannot work without is missing.
    public func validate() throws(LabError) {
        func need(_ value: Any?, _ option: String) throws(LabError) {
            if value == nil { throw .missingOption(role: role, option: option) }
        }
        if role.isPerUnit { try need(unit, "--unit") }
        switch role {
        case .gateway:
            try need(tokenFile, "--token-file")
            try need(controlPlaneURL, "--control-plane-url")
            if storefronts.isEmpty { throw .missingOption(role: role, option: "--storefront UNIT=URL") }
        case .controlPlane:
            try need(tokenFile, "--token-file")
            try need(gatewayURL, "--gateway-url")
            if orders.isEmpty { throw .missingOption(role: role, option: "--order UNIT=URL") }
        case .order:
            try need(tokenFile, "--token-file")
            if peerOrders.isEmpty { throw .missingOption(role: role, option: "--peer-order UNIT=URL") }
            if let unit, peerOrders[unit] != nil {
                throw .missingOption(role: role, option: "--peer-order for units other than \(unit)")
            }
        case .storefront:
            try need(productURL, "--product-url")
            try need(cartURL, "--cart-url")
        case .product, .cart, .faultProxy:
            break
        }
    }
}
