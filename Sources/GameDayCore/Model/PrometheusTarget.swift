/// `prometheus:` in a target — where a drill's `checks:` are evaluated.
///
/// ```yaml
/// prometheus:
///   url: http://prometheus.example:9090      # the server (or a path prefix before /api/v1)
///   token: { env: PROM_TOKEN }               # bearer token, or:
///   basic_auth: { username: gameday, password: { file: /etc/gameday/prom-password } }
///   timeout: 5s                              # per query
/// ```
public struct PrometheusTarget: Sendable, Hashable {
    public var url: String
    public var token: SecretSource?
    public var basicAuth: BasicAuth?
    public var timeout: Duration

    public struct BasicAuth: Sendable, Hashable {
        public var username: String
        public var password: SecretSource

        public init(username: String, password: SecretSource) {
            self.username = username
            self.password = password
        }
    }

    public init(url: String, token: SecretSource? = nil, basicAuth: BasicAuth? = nil, timeout: Duration = .seconds(5)) {
        self.url = url
        self.token = token
        self.basicAuth = basicAuth
        self.timeout = timeout
    }
}
