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
        return driver.plan(fault, in: target)
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        try await driver(for: fault).check(fault, in: target)
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
