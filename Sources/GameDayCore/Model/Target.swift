/// Where a secret comes from. Its value is read at run time and never printed.
public enum SecretSource: Sendable, Hashable {
    /// `{ env: NAME }`
    case environment(String)
    /// `{ file: /path }`; the file should be readable by its owner only.
    case file(String)
}

/// How the runner finds a service's process on its host.
public enum ProcessLocator: Sendable, Hashable {
    /// `pid_file: /run/lab/product.pid`
    case pidFile(String)
    /// `name: product` — the process's name as the kernel knows it (`/proc/PID/comm`).
    case name(String)
    /// `cmdline: "lab serve product --unit beijing"` — a substring of the full command line.
    case commandLine(String)
    /// `port: 9101` — the process listening on this TCP port.
    case port(Int)
}

/// A host a service runs on, reached over SSH: `10.0.1.11`, `db-3.example`, `10.0.1.12:2222`, `[fd00::7]:22`.
public struct HostTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    public var host: String
    /// When not the unit's `ssh.port`.
    public var port: Int?

    public init(host: String, port: Int? = nil) {
        self.host = host
        self.port = port
    }

    public var description: String {
        guard let port else { return host }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// How the runner reaches a unit's hosts: `ssh:` of a unit. Unset values are left to ssh (its
/// configuration, the local user name).
public struct SSHTarget: Sendable, Hashable {
    public enum HostKeyChecking: String, Sendable, Hashable {
        /// Only hosts in known_hosts, with their recorded key.
        case strict
        /// Records an unknown host's key on first contact; a changed key is still refused.
        case acceptNew = "accept-new"
    }

    public var user: String?
    public var port: Int
    public var identityFile: String?
    public var knownHosts: String?
    public var hostKeyChecking: HostKeyChecking
    public var connectTimeout: Duration
    /// `gameday: /usr/local/bin/gameday` — gameday on the hosts (the latency fault's nfqueue delayer
    /// runs there): an absolute path on the hosts, or a bare name looked up on their PATH (the default).
    public var gameday: String

    public init(
        user: String? = nil, port: Int = 22, identityFile: String? = nil, knownHosts: String? = nil,
        hostKeyChecking: HostKeyChecking = .strict, connectTimeout: Duration = .seconds(5), gameday: String = "gameday"
    ) {
        self.user = user
        self.port = port
        self.identityFile = identityFile
        self.knownHosts = knownHosts
        self.hostKeyChecking = hostKeyChecking
        self.connectTimeout = connectTimeout
        self.gameday = gameday
    }
}

/// How the runner reaches a unit's pods through `kubectl`: `kubernetes:` of a unit.
///
/// The values are checked where they become kubectl arguments (GameDayRuntime's Kubernetes
/// names and label selector); `locations` says where each was written, for those diagnostics.
public struct KubernetesTarget: Sendable, Hashable {
    /// `namespace: shop-beijing` — the namespace the unit's pods live in.
    public var namespace: String
    /// `context: prod-bj` — the kubeconfig context; kubectl's current one when absent.
    public var context: String?
    /// `kubeconfig: ./kubeconfig` — kubectl's default (`KUBECONFIG`, `~/.kube/config`) when absent.
    public var kubeconfig: String?
    /// `kubectl: /usr/local/bin/kubectl` — the kubectl binary.
    public var kubectl: String
    /// `tools_image: busybox:1.36` — an image with `pidof`, `kill`, `cat` and `sleep`, run as an
    /// ephemeral container beside the app (for images without them), which also holds a paused
    /// process's dead-man's switch.
    public var toolsImage: String?
    /// `debug_image: nicolaka/netshoot:v0.13` — an image with `nft` and `tc`: network faults in pods
    /// run in an ephemeral container with NET_ADMIN from it; without it they are refused.
    public var debugImage: String?
    /// Where each key's value was written (`namespace`, `context`...).
    public var locations: [String: SourceLocation] = [:]

    public init(
        namespace: String, context: String? = nil, kubeconfig: String? = nil, kubectl: String = "kubectl",
        toolsImage: String? = nil, debugImage: String? = nil
    ) {
        self.namespace = namespace
        self.context = context
        self.kubeconfig = kubeconfig
        self.kubectl = kubectl
        self.toolsImage = toolsImage
        self.debugImage = debugImage
    }
}

/// `pods:` of a service: the pods of the unit's namespace that run it, and its container.
public struct PodsTarget: Sendable, Hashable {
    /// `selector: app=product` — a label selector (never empty: that would be every pod).
    public var selector: String
    /// `container: product` — the app's container in those pods.
    public var container: String
    /// Where each key's value was written.
    public var locations: [String: SourceLocation] = [:]

    public init(selector: String, container: String) {
        self.selector = selector
        self.container = container
    }
}

/// One service of a unit: how to find its process and how to start it again.
public struct ServiceTarget: Sendable, Hashable {
    public var name: String
    /// `hosts: [10.0.1.11, 10.0.1.12]` — where the service runs, reached over SSH; empty: this host.
    public var hosts: [HostTarget] = []
    /// `pods: { selector: app=product, container: product }` — the service runs in Kubernetes pods
    /// of the unit's `kubernetes:` namespace.
    public var pods: PodsTarget?
    /// `process:` one of `pid_file`, `name`, `cmdline`, `port`.
    public var process: ProcessLocator?
    /// `restart: [argv...]` — run to bring the service back when a fault killed it.
    public var restart: [String]?
    /// `health: http://...` — answers 2xx when the service is up: after a restart, a revert is done
    /// only once it does.
    public var health: String?
    /// `health_timeout: 30s` — how long a restarted service may take to answer its health check.
    public var healthTimeout: Duration = .seconds(30)
    /// `port: 9311` — the TCP port it serves on (the default port of a block-port fault).
    public var port: Int?
    public var location: SourceLocation?

    public init(
        name: String, process: ProcessLocator? = nil, restart: [String]? = nil, health: String? = nil,
        port: Int? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.process = process
        self.restart = restart
        self.health = health
        self.port = port
        self.location = location
    }
}

/// A unit of the target: a logical data center and its services.
public struct UnitTarget: Sendable, Hashable {
    public var name: String
    public var services: [ServiceTarget]
    /// `netns: gameday-beijing` — the network namespace the unit lives in; its network faults run there.
    public var netns: String?
    /// `proxy: { url: http://127.0.0.1:9313 }` — the admin API of the unit's fault proxy (Toxiproxy's API).
    public var proxyURL: String?
    /// `ssh:` — how its services' `hosts` are reached.
    public var ssh: SSHTarget?
    /// `kubernetes:` — how its services' `pods` are reached.
    public var kubernetes: KubernetesTarget?
    public var location: SourceLocation?

    public init(
        name: String, services: [ServiceTarget], netns: String? = nil, proxyURL: String? = nil,
        location: SourceLocation? = nil
    ) {
        self.name = name
        self.services = services
        self.netns = netns
        self.proxyURL = proxyURL
        self.location = location
    }

    public func service(named name: String) -> ServiceTarget? { services.first { $0.name == name } }
}

/// The control plane the cut-over is asked of.
public struct ControlPlaneTarget: Sendable, Hashable {
    /// `url: http://127.0.0.1:9400` — drills reach it as `{{control_plane.url}}`.
    public var url: String
    /// `token: { env: NAME }` or `token: { file: PATH }` — drills use it as `{{control_plane.token}}`.
    public var token: SecretSource?
    /// `check: { url: "{{control_plane.url}}/api/v1/routes", headers: { X-Api-Key: … } }` — a request
    /// that needs the credentials and changes nothing: the preflight sends it and wants a 2xx, so a
    /// wrong or expired token stops the run before any fault.
    public var check: RequestTemplate?

    public init(url: String, token: SecretSource? = nil, check: RequestTemplate? = nil) {
        self.url = url
        self.token = token
        self.check = check
    }
}

/// The inventory of one environment (a target file).
///
/// ```yaml
/// target: lab
/// gateway: { url: http://127.0.0.1:9300 }
/// control_plane: { url: http://127.0.0.1:9400, token: { file: .gameday/lab/token } }
/// routing:
///   key: userId
///   modulo: 10000
///   ranges: [{ from: 0, to: 4999, unit: hangzhou }, { from: 5000, to: 9999, unit: beijing }]
/// units:
///   beijing:
///     services:
///       product: { process: { pid_file: ... }, restart: [...], health: http://... }
/// ```
public struct Target: Sendable, Hashable {
    public var name: String
    public var gatewayURL: String
    public var controlPlane: ControlPlaneTarget
    public var routing: RoutingRule
    /// `routing.sample: 3` — keys per cell of the rule (range, shard, fence, rule entry) the
    /// preflight sends through the live gateway, so a rule that is not the live one stops the run.
    public var keySample: Int = 3
    public var units: [UnitTarget]
    /// `prometheus:` — where the drills' `checks:` are evaluated.
    public var prometheus: PrometheusTarget?
    /// `notify:` — webhooks told of the run's start, abort, cut-over and end.
    public var notify: [Webhook] = []
    /// `hooks:` — commands run around the phases in this environment, before the drill's own.
    public var hooks: [Hook] = []
    public var file: String

    public init(
        name: String, gatewayURL: String, controlPlane: ControlPlaneTarget, routing: RoutingRule,
        units: [UnitTarget], file: String = "<memory>"
    ) {
        self.name = name
        self.gatewayURL = gatewayURL
        self.controlPlane = controlPlane
        self.routing = routing
        self.units = units
        self.file = file
    }

    public func unit(named name: String) -> UnitTarget? { units.first { $0.name == name } }
}
