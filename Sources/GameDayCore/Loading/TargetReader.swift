import Foundation
import Yams

/// Reads the tree of a target file into a `Target`, reporting every problem to its `NodeReader`.
///
/// As in `DrillReader`, a value that cannot be read is reported and stood in for by its default.
struct TargetReader {
    let reader: NodeReader

    func target(_ root: Node) -> Target? {
        let r = reader
        guard let top = r.mapping(root, path: "", shape: TargetFormat.top) else { return nil }
        let name = top["target"].flatMap { r.slug($0, what: "target name", example: "lab") }
        let gateway = top["gateway"].flatMap { node in
            r.mapping(node, path: "gateway", shape: TargetFormat.gateway).flatMap { $0["url"] }.flatMap { r.url($0) }
        }
        let controlPlane = top["control_plane"].flatMap { self.controlPlane($0) }
        let routing = top["routing"].flatMap { RoutingReader(reader: r).routing($0) }
        let units = top["units"].flatMap { self.units($0) }
        let prometheus = top["prometheus"].flatMap { self.prometheus($0) }
        let notify = top["notify"].flatMap { self.notify($0) }
        let hooks = top["hooks"].flatMap { r.hooks($0) }
        if let routing, let units {
            checkRoutedUnits(routing.unitNodes, defined: units.names)
        }
        guard let name, let gateway, let controlPlane, let sample = routing?.sample, let routing = routing?.rule,
            let units = units?.units
        else {
            return nil
        }
        var target = Target(
            name: name, gatewayURL: gateway, controlPlane: controlPlane, routing: routing, units: units, file: r.file)
        target.keySample = sample
        target.prometheus = prometheus
        target.notify = notify ?? []
        target.hooks = hooks ?? []
        return target
    }

    // MARK: - Control plane

    private func controlPlane(_ node: Node) -> ControlPlaneTarget? {
        let r = reader
        guard let fields = r.mapping(node, path: "control_plane", shape: TargetFormat.controlPlane) else {
            return nil
        }
        let token = fields["token"].flatMap { self.secret($0, path: fields.path("token")) }
        let check = fields["check"].flatMap { r.request($0, path: fields.path("check")) }
        guard let url = fields["url"].flatMap({ r.url($0) }) else { return nil }
        return ControlPlaneTarget(url: url, token: token, check: check)
    }

    /// `{ env: NAME }` or `{ file: PATH }`, exactly one.
    func secret(_ node: Node, path: String) -> SecretSource? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.token) else { return nil }
        switch (fields["env"], fields["file"]) {
        case (let env?, nil): return r.text(env).map { .environment($0) }
        case (nil, let file?): return r.text(file).map { .file(resolve($0)) }
        case (.some, .some):
            r.error("'\(path)' takes exactly one of 'env' or 'file', found both", at: node)
        case (nil, nil):
            r.error("'\(path)' needs 'env: NAME' or 'file: PATH'", at: node)
        }
        return nil
    }

    // MARK: - Prometheus

    /// `prometheus: { url, token | basic_auth, timeout }` — where the drills' `checks:` are evaluated.
    private func prometheus(_ node: Node) -> PrometheusTarget? {
        let r = reader
        guard let fields = r.mapping(node, path: "prometheus", shape: TargetFormat.prometheus) else { return nil }
        let token = fields["token"].flatMap { self.secret($0, path: fields.path("token")) }
        let basicAuth = fields["basic_auth"].flatMap { node -> PrometheusTarget.BasicAuth? in
            let path = fields.path("basic_auth")
            guard let auth = r.mapping(node, path: path, shape: TargetFormat.basicAuth) else { return nil }
            let username = auth["username"].flatMap { r.text($0) }
            let password = auth["password"].flatMap { self.secret($0, path: auth.path("password")) }
            guard let username, let password else { return nil }
            return PrometheusTarget.BasicAuth(username: username, password: password)
        }
        if fields["token"] != nil, fields["basic_auth"] != nil {
            r.error("'prometheus' takes either 'token' (a bearer token) or 'basic_auth', not both", at: node)
        }
        let timeout = fields["timeout"].flatMap { r.duration($0) }
        guard let url = fields["url"].flatMap({ r.url($0) }) else { return nil }
        return PrometheusTarget(url: url, token: token, basicAuth: basicAuth, timeout: timeout ?? .seconds(5))
    }

    // MARK: - Units

    /// The units that could be read, and the names of all of them.
    private func units(_ node: Node) -> (units: [UnitTarget], names: [String])? {
        let r = reader
        guard let fields = r.anyMapping(node, path: "units") else { return nil }
        if fields.keys.isEmpty { r.error("'units' must name at least one unit", at: node) }
        let units: [UnitTarget] = fields.keys.compactMap { name, keyNode in
            let path = fields.path(name)
            guard let unitNode = fields[name], let unit = r.mapping(unitNode, path: path, shape: TargetFormat.unit)
            else {
                return nil
            }
            var services: [ServiceTarget] = []
            if let servicesNode = unit["services"],
                let serviceFields = r.anyMapping(servicesNode, path: unit.path("services"))
            {
                services = serviceFields.keys.compactMap { serviceName, serviceKey in
                    serviceFields[serviceName].flatMap {
                        service($0, name: serviceName, key: serviceKey, path: serviceFields.path(serviceName))
                    }
                }
            }
            let netns = unit["netns"].flatMap { r.systemName($0, what: "network namespace", maxLength: 64) }
            let proxy = unit["proxy"].flatMap { proxyURL($0, path: unit.path("proxy")) }
            var target = UnitTarget(
                name: name, services: services, netns: netns, proxyURL: proxy, location: r.location(of: keyNode))
            target.ssh = unit["ssh"].flatMap { ssh($0, path: unit.path("ssh")) }
            target.kubernetes = unit["kubernetes"].flatMap { kubernetes($0, path: unit.path("kubernetes")) }
            checkPlacement(of: services, in: unit, name: name)
            return target
        }
        return (units, fields.keys.map(\.0))
    }

    private func service(_ node: Node, name: String, key: Node, path: String) -> ServiceTarget? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.service) else { return nil }
        let process = fields["process"].flatMap { locator($0, path: fields.path("process")) }
        var restart: [String]?
        if let restartNode = fields["restart"],
            let items = r.list(restartNode, path: fields.path("restart"), nonEmpty: true)
        {
            restart = items.compactMap { r.text($0) }
        }
        let health = fields["health"].flatMap { r.url($0) }
        let port = fields["port"].flatMap { r.integer($0, in: 1...65535, what: "a TCP port") }
        var service = ServiceTarget(
            name: name, process: process, restart: fields["hosts"] == nil ? restart.map(command) : restart,
            health: health, port: port, location: r.location(of: key))
        service.pods = fields["pods"].flatMap { pods($0, path: fields.path("pods")) }
        if let timeout = fields["health_timeout"].flatMap({ r.duration($0) }) { service.healthTimeout = timeout }
        if let hostsNode = fields["hosts"] {
            service.hosts = hosts(hostsNode, path: fields.path("hosts"))
            // A restart command on the hosts runs there: a path in it is one there, never relative to this file.
            if let first = restart?.first, first.contains("/"), !first.hasPrefix("/"),
                let restartNode = fields["restart"]
            {
                r.error(
                    "'\(fields.path("restart"))' of a service on SSH hosts runs on the hosts: its command must be a name "
                        + "looked up in PATH there or an absolute path, not '\(first)'", at: restartNode)
            }
            // A pid file on the hosts is a path there, not one relative to this file.
            if case .pidFile? = process, let locatorNode = fields["process"],
                case .mapping(let mapping) = locatorNode, let raw = mapping["pid_file"].flatMap({ r.text($0) }),
                !raw.hasPrefix("/")
            {
                r.error(
                    "'\(fields.path("process.pid_file"))' of a service on SSH hosts must be an absolute path on the hosts, "
                        + "not '\(raw)' (a relative path is read from this file's folder, here)", at: locatorNode)
            }
        }
        return service
    }

    // MARK: - SSH

    /// `ssh: { user: gameday, port: 22, identity_file: ~/.ssh/id, known_hosts: ./known_hosts, ... }`
    private func ssh(_ node: Node, path: String) -> SSHTarget? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.ssh) else { return nil }
        var ssh = SSHTarget()
        if let user = fields["user"] {
            ssh.user = r.text(user).flatMap { name in
                guard HostText.isUser(name) else {
                    r.error(
                        "ssh user '\(name)' must be letters, digits, '_', '.' or '-', not starting with '-'", at: user)
                    return nil
                }
                return name
            }
        }
        if let port = fields["port"].flatMap({ r.integer($0, in: 1...65535, what: "an SSH port") }) { ssh.port = port }
        ssh.identityFile = fields["identity_file"].flatMap { r.text($0) }.map(resolve)
        ssh.knownHosts = fields["known_hosts"].flatMap { r.text($0) }.map(resolve)
        if let checking = fields["host_key_checking"].flatMap({
            r.choice(
                $0, what: "host_key_checking",
                options: [("strict", SSHTarget.HostKeyChecking.strict), ("accept-new", .acceptNew)])
        }) {
            ssh.hostKeyChecking = checking
        }
        if let timeout = fields["connect_timeout"].flatMap({ r.duration($0) }) { ssh.connectTimeout = timeout }
        if let node = fields["gameday"], let gameday = r.text(node) {
            // A path on the hosts, not here: this file's folder means nothing there, so a relative
            // path is refused rather than resolved (as a pid file on SSH hosts is).
            if gameday.hasPrefix("-") || gameday.contains("\n") || gameday.contains("\0") {
                r.error("'\(path).gameday' must be a path or a program name, not '\(gameday)'", at: node)
            } else if gameday.contains("/") && !gameday.hasPrefix("/") {
                r.error(
                    "'\(path).gameday' must be an absolute path on the hosts or a bare name looked up on their PATH, "
                        + "not '\(gameday)' (a relative path would be read from this file's folder, here)", at: node)
            } else {
                ssh.gameday = gameday
            }
        }
        return ssh
    }

    // MARK: - Kubernetes

    /// `kubernetes: { namespace: shop-beijing, context: prod-bj, kubeconfig: ./kubeconfig, ... }`
    private func kubernetes(_ node: Node, path: String) -> KubernetesTarget? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.kubernetes),
            let namespace = fields["namespace"].flatMap({ r.text($0) })
        else { return nil }
        var kubernetes = KubernetesTarget(namespace: namespace)
        kubernetes.context = fields["context"].flatMap { r.text($0) }
        kubernetes.kubeconfig = fields["kubeconfig"].flatMap { r.text($0) }.map(resolve)
        if let kubectl = fields["kubectl"].flatMap({ r.text($0) }) {
            // A bare name is looked up on PATH; a path is relative to this file.
            kubernetes.kubectl = kubectl.contains("/") ? resolve(kubectl) : kubectl
        }
        kubernetes.toolsImage = fields["tools_image"].flatMap { r.text($0) }
        kubernetes.debugImage = fields["debug_image"].flatMap { r.text($0) }
        for (key, keyNode) in fields.keys { kubernetes.locations[key] = r.location(of: fields[key] ?? keyNode) }
        return kubernetes
    }

    /// `pods: { selector: app=product, container: product }`
    private func pods(_ node: Node, path: String) -> PodsTarget? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.pods),
            let selector = fields["selector"].flatMap({ r.text($0) }),
            let container = fields["container"].flatMap({ r.text($0) })
        else { return nil }
        var pods = PodsTarget(selector: selector, container: container)
        for (key, keyNode) in fields.keys { pods.locations[key] = r.location(of: fields[key] ?? keyNode) }
        return pods
    }

    /// A service runs in one place: on this host, on SSH `hosts`, or in `pods` of the unit's
    /// `kubernetes:` namespace, found by process name and restarted by its kubelet.
    private func checkPlacement(of services: [ServiceTarget], in unit: MappingFields, name: String) {
        let r = reader
        for service in services {
            guard let pods = service.pods, let location = service.location else { continue }
            let path = "\(unit.path("services")).\(service.name)"
            /// At the service's key `key` when there is one, else at the service.
            func error(_ message: String, key: String? = nil) {
                if let key, case .mapping(let services)? = unit["services"],
                    case .mapping(let fields)? = services[service.name], let node = fields[key]
                {
                    r.error(message, at: node)
                } else {
                    r.error(message, at: location)
                }
            }
            if !service.hosts.isEmpty {
                error(
                    "service '\(path)' names both 'hosts' and 'pods'; a service runs on SSH hosts or in pods, not both",
                    key: "pods")
            }
            if unit["kubernetes"] == nil {
                error(
                    "service '\(path)' runs in pods (selector \(pods.selector)) but unit '\(name)' has no 'kubernetes:' "
                        + "saying which namespace and cluster; add kubernetes: { namespace: ... } to the unit")
            }
            if service.restart != nil {
                error(
                    "'\(path).restart' does not apply to a service in pods: its kubelet restarts the container",
                    key: "restart")
            }
            switch service.process {
            case nil, .name?: break
            case .some:
                error(
                    "'\(path).process' of a service in pods takes only 'name' (the process name pidof finds in the container)",
                    key: "process")
            }
        }
    }

    /// `hosts: [10.0.1.11, "10.0.1.12:2222", "[fd00::7]:22", db-3.example]`, each once.
    private func hosts(_ node: Node, path: String) -> [HostTarget] {
        let r = reader
        guard let items = r.list(node, path: path, nonEmpty: true) else { return [] }
        var hosts: [HostTarget] = []
        for item in items {
            guard let text = r.text(item) else { continue }
            guard let host = HostText.parse(text) else {
                r.error(
                    "host '\(text)' must be a host name or an IP address, with an optional port "
                        + "(such as 10.0.1.11, 10.0.1.12:2222, [fd00::7]:22 or db-3.example)", at: item)
                continue
            }
            if hosts.contains(host) {
                r.error("host '\(text)' is listed twice under '\(path)'", at: item)
                continue
            }
            hosts.append(host)
        }
        return hosts
    }

    /// `proxy: { url: http://127.0.0.1:9313 }` — the admin API of the unit's fault proxy.
    private func proxyURL(_ node: Node, path: String) -> String? {
        let r = reader
        return r.mapping(node, path: path, shape: TargetFormat.proxy).flatMap { $0["url"] }.flatMap { r.url($0) }
    }

    /// `process:` — exactly one of `pid_file`, `name`, `cmdline` or `port`.
    private func locator(_ node: Node, path: String) -> ProcessLocator? {
        let r = reader
        guard let fields = r.mapping(node, path: path, shape: TargetFormat.process) else { return nil }
        let given = fields.keys.map(\.0).filter { TargetFormat.process.keys.contains($0) }
        guard given.count == 1, let key = given.first, let value = fields[key] else {
            let choices = "'pid_file', 'name', 'cmdline' or 'port'"
            let found = given.map { "'\($0)'" }.joined(separator: " and ")
            r.error(
                given.isEmpty
                    ? "\(r.describe(path: path)) needs one of \(choices)"
                    : "\(r.describe(path: path)) takes exactly one of \(choices), found \(found)", at: node)
            return nil
        }
        switch key {
        case "pid_file": return r.text(value).map { .pidFile(resolve($0)) }
        case "name": return r.text(value).map { .name($0) }
        case "cmdline": return r.text(value).map { .commandLine($0) }
        default: return r.integer(value, in: 1...65535, what: "a TCP port").map { .port($0) }
        }
    }

    // MARK: - Checks

    /// Every unit the routing rule sends users to is defined under `units`.
    private func checkRoutedUnits(_ unitNodes: [(String, Node)], defined names: [String]) {
        for (unit, node) in unitNodes where !names.contains(unit) {
            reader.error(
                "unit '\(unit)' is not defined under 'units'"
                    + Suggestion.hint(for: unit, among: names, listing: "defined units are"),
                at: node)
        }
    }

    /// A path relative to the target file's directory; an absolute one stays as it is.
    /// One rule for every path a target names (pid files, token files, keys, known_hosts,
    /// kubeconfigs, and a command's argv[0] with a slash in it): relative to the target file's
    /// folder, made absolute, so that it means the same from any working directory, and to the
    /// watchdog and `gameday recover` that read it again from elsewhere.
    private func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let folder = URL(fileURLWithPath: reader.file).deletingLastPathComponent()
        return URL(fileURLWithPath: path, relativeTo: folder).standardizedFileURL.path
    }

    /// A command's argv[0] is a path, resolved as every path of the target, when it has a slash
    /// (`./bin/restart`, `scripts/start.sh`); a bare name (`systemctl`) is looked up in PATH.
    private func command(_ argv: [String]) -> [String] {
        guard let first = argv.first, first.contains("/") else { return argv }
        return [resolve(first)] + argv.dropFirst()
    }
}
