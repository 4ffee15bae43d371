import GameDayCore

/// Sends each fault to the driver of its kind and place: process, network and proxy faults, on
/// this host, over SSH or in Kubernetes pods.
public struct CompositeFaultDriver: FaultDriver {
    public var process: any FaultDriver
    public var network: (any FaultDriver)?
    public var proxy: (any FaultDriver)?
    /// Process faults on services with SSH `hosts`.
    public var ssh: (any FaultDriver)?
    /// Network faults on units or services with SSH `hosts`.
    public var sshNetwork: (any FaultDriver)?
    /// Faults on services in Kubernetes `pods`.
    public var kubernetes: (any FaultDriver)?

    public init(
        process: any FaultDriver, network: (any FaultDriver)? = nil, proxy: (any FaultDriver)? = nil,
        ssh: (any FaultDriver)? = nil, sshNetwork: (any FaultDriver)? = nil, kubernetes: (any FaultDriver)? = nil
    ) {
        self.process = process
        self.network = network
        self.proxy = proxy
        self.ssh = ssh
        self.sshNetwork = sshNetwork
        self.kubernetes = kubernetes
    }

    private func driver(for fault: FaultSpec, in target: Target? = nil) throws(FaultError) -> any FaultDriver {
        if let target, Self.inPods(fault, target) {
            guard let kubernetes else { throw FaultError("this runner has no Kubernetes driver") }
            return kubernetes
        }
        switch fault.action {
        case .killProcess, .pauseProcess:
            if let target, Self.sshHosts(of: fault, in: target) != nil, let ssh { return ssh }
            return process
        case .blockPort, .latency, .bandwidth:
            if let target, Self.sshHosts(of: fault, in: target) != nil, let sshNetwork { return sshNetwork }
            guard let network else { throw FaultError("\(fault.action.kind) faults are not available in this build") }
            return network
        case .proxy:
            guard let proxy else { throw FaultError("proxy faults are not available in this build") }
            return proxy
        }
    }

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        guard let driver = try? driver(for: fault, in: target) else { return process.plan(fault, in: target) }
        var plan = driver.plan(fault, in: target)
        // The SSH driver names its hosts itself; the others would not act there (see `check`).
        if let hosts = Self.sshHosts(of: fault, in: target), remoteDriver(for: fault) == nil {
            plan.executor = "ssh: \(hosts.count) host(s) (\(hosts.map(\.description).joined(separator: ", ")))"
        }
        return plan
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        if Self.inPods(fault, target) {
            guard let kubernetes else {
                throw FaultError(
                    "fault \(fault.name): \(fault.unit)/\(fault.service) runs in pods, and this runner has no "
                        + "Kubernetes driver; nothing was applied")
            }
            return try await kubernetes.check(fault, in: target)
        }
        if fault.hosts != .all || fault.onPartial != .abort, Self.sshHosts(of: fault, in: target) == nil {
            throw FaultError(
                "fault \(fault.name): 'hosts' and 'on_partial' choose among SSH hosts, and \(fault.unit)/\(fault.service) has none"
            )
        }
        if let hosts = Self.sshHosts(of: fault, in: target), remoteDriver(for: fault) == nil {
            // The local drivers would act on this host's processes and firewall: never near a fleet.
            let place = "\(fault.unit)\(fault.service.isEmpty ? "" : "/\(fault.service)")"
            throw FaultError(
                "fault \(fault.name): \(place) runs on \(hosts.count) SSH host(s), and "
                    + "this runner has no SSH driver for \(fault.action.kind) faults"
                    + "; nothing was applied")
        }
        return try await driver(for: fault, in: target).check(fault, in: target)
    }

    /// The driver that acts on SSH hosts for this kind of fault, if this runner has one.
    private func remoteDriver(for fault: FaultSpec) -> (any FaultDriver)? {
        switch fault.action {
        case .killProcess, .pauseProcess: ssh
        case .blockPort, .latency, .bandwidth: sshNetwork
        case .proxy: nil
        }
    }

    /// Whether the fault's service runs in Kubernetes pods (a unit-wide fault never does: it acts
    /// on an interface of this host or of a namespace).
    public static func inPods(_ fault: FaultSpec, _ target: Target) -> Bool {
        if case .proxy = fault.action { return false }  // the unit's fault proxy, over HTTP
        return !fault.service.isEmpty && target.unit(named: fault.unit)?.service(named: fault.service)?.pods != nil
    }

    /// The SSH hosts a process or network fault would have to act on, if any: its service's hosts,
    /// or for a network fault on the whole unit every host of the unit. (A proxy fault talks to the
    /// unit's fault proxy over HTTP, wherever the services run.)
    public static func sshHosts(of fault: FaultSpec, in target: Target) -> [HostTarget]? {
        guard let unit = target.unit(named: fault.unit) else { return nil }
        let hosts: [HostTarget]
        switch fault.action {
        case .proxy: return nil
        case .killProcess, .pauseProcess: hosts = unit.service(named: fault.service)?.hosts ?? []
        case .blockPort, .latency, .bandwidth:
            hosts =
                fault.service.isEmpty
                ? unit.services.flatMap(\.hosts).reduce(into: []) { all, host in
                    if !all.contains(host) { all.append(host) }
                }
                : unit.service(named: fault.service)?.hosts ?? []
        }
        return hosts.isEmpty ? nil : hosts
    }

    public func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        try await driver(for: fault, in: target).prepare(fault, in: target)
    }
}
