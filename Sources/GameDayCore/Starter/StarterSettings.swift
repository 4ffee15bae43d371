/// What `gameday init` is told about the system before it asks the system itself.
public struct StarterSettings: Sendable, Hashable {
    /// The gateway's base URL, as `gateway.url` of the target.
    public var gatewayURL: String
    /// The control plane's base URL, as `control_plane.url` of the target.
    public var controlPlaneURL: String
    /// The units' names as the system spells them; nil: recognised by the answers alone.
    public var units: [String]?
    /// The path of a request that reaches a unit (`/storefront`), the key added as a query parameter.
    public var path: String
    /// The query parameter that carries the routing key (`userId`), also the rule's `key`.
    public var keyParameter: String
    /// The keys sent to learn which unit serves them; spread over the key space by default.
    public var keys: [Int]
    /// The service the drill kills in the faulted unit.
    public var service: String
    /// `routing.modulo`: keys are routed by `key % modulo`.
    public var modulo: Int
    /// The ranges the operator knows (`--routing`); nil: inferred from the answers.
    public var routing: [RouteRange]?
    /// `target:` of the target file.
    public var targetName: String

    /// 50, 2500, 5000, 6000, 9999: both ends and the middle of the lab's 10,000 slots.
    public static let sampleKeys = [50, 2500, 5000, 6000, 9999]

    public init(
        gatewayURL: String, controlPlaneURL: String, units: [String]? = nil, path: String = "/",
        keyParameter: String = "userId", keys: [Int] = Self.sampleKeys, service: String = "product",
        modulo: Int = 10000, routing: [RouteRange]? = nil, targetName: String = "my-system"
    ) {
        self.gatewayURL = gatewayURL
        self.controlPlaneURL = controlPlaneURL
        self.units = units
        self.path = path
        self.keyParameter = keyParameter
        self.keys = keys
        self.service = service
        self.modulo = modulo
        self.routing = routing
        self.targetName = targetName
    }

    /// The probe's URL for `key`, with `{{user.id}}` for the drill or a real key for the survey.
    func url(base: String, key: String) -> String {
        let separator = path.contains("?") ? "&" : "?"
        return base + path + separator + keyParameter + "=" + key
    }
}
