import GameDayCore

/// Sends each fault to the driver of its kind: process faults, network faults, proxy faults.
public struct CompositeFaultDriver: FaultDriver {
    public var process: any FaultDriver
    public var network: (any FaultDriver)?
    public var proxy: (any FaultDriver)?

    public init(process: any FaultDriver, network: (any FaultDriver)? = nil, proxy: (any FaultDriver)? = nil) {
        self.process = process
        self.network = network
        self.proxy = proxy
    }

    private func driver(for fault: FaultSpec) throws(FaultError) -> any FaultDriver {
        switch fault.action {
        case .killProcess: return process
        case .blockPort, .latency, .bandwidth:
            guard let network else { throw FaultError("\(fault.action.kind) faults are not available in this build") }
            return network
        case .proxy:
            guard let proxy else { throw FaultError("proxy faults are not available in this build") }
            return proxy
        }
    }

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        guard let driver = try? driver(for: fault) else { return process.plan(fault, in: target) }
        var plan = driver.plan(fault, in: target)
        if let hosts = Self.sshHosts(of: fault, in: target) {
            plan.executor = "ssh: \(hosts.count) host(s) (\(hosts.map(\.description).joined(separator: ", ")))"
        }
        return plan
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        if let hosts = Self.sshHosts(of: fault, in: target) {
            // The local drivers would act on this host's processes: never let them near a fleet.
            throw FaultError(
                "fault \(fault.name): \(fault.unit)/\(fault.service) runs on \(hosts.count) SSH host(s); this gameday "
                    + "reads, validates and plans SSH targets but cannot apply faults over SSH yet (issue 6); "
                    + "nothing was applied")
        }
        return try await driver(for: fault).check(fault, in: target)
    }

    /// The SSH hosts a process or network fault would have to act on, if any: its service's hosts,
    /// or for a network fault on the whole unit every host of the unit. (A proxy fault talks to the
    /// unit's fault proxy over HTTP, wherever the services run.)
    public static func sshHosts(of fault: FaultSpec, in target: Target) -> [HostTarget]? {
        guard let unit = target.unit(named: fault.unit) else { return nil }
        let hosts: [HostTarget]
        switch fault.action {
        case .proxy: return nil
        case .killProcess: hosts = unit.service(named: fault.service)?.hosts ?? []
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

    public func recipe(for fault: FaultSpec, in target: Target) async throws(FaultError) -> RevertRecipe {
        try await driver(for: fault).recipe(for: fault, in: target)
    }

    public func apply(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> AppliedFault {
        try await driver(for: fault).apply(fault, in: target)
    }

    public func revert(_ applied: AppliedFault, in target: Target) async throws(FaultError) -> String {
        try await driver(for: applied.spec).revert(applied, in: target)
    }
}
