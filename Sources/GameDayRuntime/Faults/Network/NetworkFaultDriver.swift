import Foundation
import GameDayCore
import Synchronization

/// Prepares a drill's network faults — block-port (nftables, else iptables), latency (tc netem,
/// or the nfqueue delayer where the kernel has no netem) and bandwidth (tc tbf) — in the unit's
/// network namespace when the target names one, and never on the runner's own control channel
/// (the control plane, the gateway, SSH).
public final class NetworkFaultDriver: FaultDriver {
    public let runId: String

    /// Where the commands run instead of this host or the unit's namespace (one SSH host of a unit).
    private let fixedExecutor: (any CommandExecutor)?
    /// Channels to protect besides the runner's own (the SSH connection to that host).
    private let alsoProtected: [ProtectedEndpoint]
    /// How the latency fault's nfqueue backend starts a fault's delayer; nil where it cannot (pods,
    /// a plan). A function of the fault: on an SSH host each fault's delayer watches its own switch.
    private let delayer: @Sendable (FaultSpec) -> DelayerLaunch?

    public convenience init(
        runId: String, executor: (any CommandExecutor)? = nil, protecting alsoProtected: [ProtectedEndpoint] = [],
        delayer: DelayerLaunch? = nil
    ) {
        self.init(runId: runId, executor: executor, protecting: alsoProtected, delayers: { _ in delayer })
    }

    /// `delayers`: each fault's launch, for a driver whose delayers differ by fault (an SSH host's).
    public init(
        runId: String, executor: (any CommandExecutor)?, protecting alsoProtected: [ProtectedEndpoint],
        delayers: @escaping @Sendable (FaultSpec) -> DelayerLaunch?
    ) {
        self.runId = runId
        self.fixedExecutor = executor
        self.alsoProtected = alsoProtected
        self.delayer = delayers
    }

    // MARK: - FaultDriver

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        let executor = executorName(fault, target)
        do {
            switch try translate(fault, target) {
            case .block(let block, let scope, let choice):
                let engine: FirewallEngine = choice == .iptables ? .iptables : .nftables
                let plan = PortBlocker.plan(block, scope: scope, backend: engine)
                return FaultPlan(
                    name: fault.name, kind: fault.action.kind, unit: fault.unit, service: fault.service,
                    executor: executor, locate: "-", apply: plan.apply, revert: plan.revert,
                    proof: plan.proof + (choice == .auto ? " (nftables when the host has it, else iptables)" : ""))
            case .shape(let shape):
                return shapePlan(fault, executor: executor, shape: shape)
            case .delay(let spec, let shape, let queued, let scope):
                switch (spec.backend, shape, queued) {
                case (.netem, let shape?, _):
                    return shapePlan(fault, executor: executor, shape: shape)
                case (.auto, let shape?, let queued):
                    var plan = shapePlan(fault, executor: executor, shape: shape)
                    plan.proof +=
                        queued == nil
                        ? " (auto: tc netem; this fault names no port for the nfqueue delayer)"
                        : " (auto: tc netem where the kernel has sch_netem, sch_prio and cls_u32, else the nfqueue delayer; the preflight says which)"
                    return plan
                case (_, _, let queued?):
                    let plan = QueueDelayer.plan(queued, scope: scope, launch: delayer(fault))
                    return FaultPlan(
                        name: fault.name, kind: fault.action.kind, unit: fault.unit, service: fault.service,
                        executor: executor, locate: "-", apply: plan.apply, revert: plan.revert,
                        proof: plan.proof
                            + " (nfqueue: iptables' NFQUEUE target where nftables lacks its queue expression)")
                default:
                    throw FaultError(
                        "fault \(fault.name) names neither an interface for tc netem nor a port for nfqueue")
                }
            }
        } catch {
            return FaultPlan(
                name: fault.name, kind: fault.action.kind, unit: fault.unit, service: fault.service, executor: executor,
                locate: "-", apply: [], revert: [],
                proof: "cannot be planned: \((error as? FaultError)?.message ?? "\(error)")")
        }
    }

    private func shapePlan(_ fault: FaultSpec, executor: String, shape: TrafficShape) -> FaultPlan {
        let plan = TrafficShaper.plan(shape)
        return FaultPlan(
            name: fault.name, kind: fault.action.kind, unit: fault.unit, service: fault.service,
            executor: executor, locate: "-", apply: plan.snapshot + plan.apply, revert: plan.revert,
            proof: plan.proof)
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        try await ready(fault, in: target).found
    }

    public func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        try await ready(fault, in: target)
    }

    /// Chooses the executor and the firewall's backend, refuses a block of the runner's own
    /// channels, or snapshots the interface's qdiscs (what the revert restores).
    func ready(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> ReadyFault {
        let executor = try executor(fault, target)
        let plan = plan(fault, in: target)
        do {
            switch try translate(fault, target) {
            case .block(let block, let scope, let choice):
                let blocker = PortBlocker(executor: executor, protected: try protected(target))
                try blocker.refuseIfProtected(block)
                let engine = try await blocker.backend(for: choice)
                return ReadyFault(
                    spec: fault, plan: plan, found: "will block \(block) with \(engine.rawValue) (\(executor.name))",
                    recipe: RevertRecipe(
                        executor: executor.name, steps: [.removePortBlock(block: block, scope: scope, backend: engine)])
                ) { moment async throws(FaultError) in
                    do {
                        let result = try await blocker.apply(
                            block, scope: scope, backend: FirewallEngineChoice(engine), moment: moment)
                        return AppliedFault(
                            spec: fault, plan: plan, pids: [], commands: result.commands, effect: result.effect)
                    } catch {
                        throw FaultError((error as? NetworkFaultError)?.description ?? "\(error)")
                    }
                }
            case .shape(let shape):
                return try await shapeReady(fault, plan: plan, executor: executor, shape: shape, note: "")
            case .delay(let spec, let shape, let queued, let scope):
                // What the kernel can do is a property of the host, not of a namespace: probe from the host.
                let support = await TrafficControlSupport.detect(using: (executor as? NetnsExecutor)?.base ?? executor)
                let netemProblem = shape.map { support.problem(for: $0) } ?? "it names no 'interface' for tc netem"
                switch (spec.backend, shape, queued) {
                case (.netem, let shape?, _):
                    if let netemProblem { throw FaultError(netemProblem) }
                    return try await shapeReady(fault, plan: plan, executor: executor, shape: shape, note: "")
                case (.auto, let shape?, _) where netemProblem == nil:
                    return try await shapeReady(
                        fault, plan: plan, executor: executor, shape: shape,
                        note: "backend auto chose tc netem (the kernel has it); ")
                case (.nfqueue, _, let queued?):
                    return try await queueReady(
                        fault, target, plan: plan, executor: executor, queued: queued, scope: scope, note: "")
                case (.auto, _, let queued?):
                    return try await queueReady(
                        fault, target, plan: plan, executor: executor, queued: queued, scope: scope,
                        note: "backend auto chose nfqueue (\(netemProblem ?? "")); ")
                default:
                    throw FaultError(
                        "fault \(fault.name) cannot be applied: \(netemProblem ?? "tc netem cannot be used"), and it names no port for the nfqueue backend (ports, match.port or a service with a port)"
                    )
                }
            }
        } catch let error as FaultError {
            throw error
        } catch let error as NetworkFaultError {
            throw FaultError(error.description)
        } catch {
            throw FaultError("\(error)")
        }
    }

    /// A tc shape (netem or tbf): refused with advice where the kernel lacks its qdiscs; the
    /// interface's qdiscs snapshotted, which is what the revert restores.
    private func shapeReady(
        _ fault: FaultSpec, plan: FaultPlan, executor: any CommandExecutor, shape: TrafficShape, note: String
    ) async throws -> ReadyFault {
        let support = await TrafficControlSupport.detect(using: (executor as? NetnsExecutor)?.base ?? executor)
        if let problem = support.problem(for: shape) { throw FaultError(problem) }
        let shaper = TrafficShaper(executor: executor)
        let snapshot = try await shaper.check(shape)
        return ReadyFault(
            spec: fault, plan: plan, found: "\(note)\(shape.interface) now has \(snapshot.summary)",
            recipe: RevertRecipe(executor: executor.name, steps: [.restoreQdiscs(original: snapshot)])
        ) { moment async throws(FaultError) in
            do {
                let result = try await shaper.apply(shape, expecting: snapshot, moment: moment)
                return AppliedFault(spec: fault, plan: plan, pids: [], commands: result.commands, effect: result.effect)
            } catch {
                throw FaultError((error as? NetworkFaultError)?.description ?? "\(error)")
            }
        }
    }

    /// The nfqueue delayer: the host's queueing checked, the firewall chosen; the recipe removes
    /// the rule and ends the delayer.
    private func queueReady(
        _ fault: FaultSpec, _ target: Target, plan: FaultPlan, executor: any CommandExecutor, queued: QueuedDelay,
        scope: FirewallScope, note: String
    ) async throws -> ReadyFault {
        // A fixed executor with a local launch would start the delayer here for packets queued there (a pod).
        guard let delayer = delayer(fault), fixedExecutor == nil || delayer.remote else {
            throw FaultError(
                "fault \(fault.name): the nfqueue backend starts gameday's delayer on this host, in a unit's namespace "
                    + "or on a unit's SSH hosts; it is not available in pods yet (use backend: netem there)")
        }
        let queue = QueueDelayer(
            executor: executor, launch: delayer, namespace: (executor as? NetnsExecutor)?.namespace,
            protected: try protected(target))
        let (queued, engine, found) = try await queue.check(queued, scope: scope)
        return ReadyFault(
            spec: fault, plan: plan, found: note + found,
            recipe: RevertRecipe(
                executor: executor.name, steps: QueueDelayer.revertSteps(queued, scope: scope, engine: engine))
        ) { moment async throws(FaultError) in
            do {
                let result = try await queue.apply(queued, scope: scope, engine: engine, moment: moment)
                return AppliedFault(spec: fault, plan: plan, pids: [], commands: result.commands, effect: result.effect)
            } catch {
                throw FaultError((error as? NetworkFaultError)?.description ?? "\(error)")
            }
        }
    }

    // MARK: - From the drill's words to the primitives

    private enum Translated {
        case block(PortBlock, FirewallScope, FirewallEngineChoice)
        case shape(TrafficShape)
        /// A latency fault: its tc form when it names an interface, its nfqueue form when it names a port.
        case delay(NetemSpec, shape: TrafficShape?, queued: QueuedDelay?, scope: FirewallScope)
    }

    private func translate(_ fault: FaultSpec, _ target: Target) throws(FaultError) -> Translated {
        do {
            switch fault.action {
            case .blockPort(let spec):
                var ranges = try spec.ports.map { range throws(NetworkFaultError) in
                    try FirewallPortRange(range.from, range.to)
                }
                if ranges.isEmpty {
                    guard let port = target.unit(named: fault.unit)?.service(named: fault.service)?.port else {
                        throw FaultError(
                            "fault \(fault.name) names no ports, and the target gives \(fault.unit)/\(fault.service) no port"
                        )
                    }
                    ranges = [try FirewallPortRange(port)]
                }
                let block = try PortBlock(
                    direction: spec.direction == .inbound ? .inbound : .outbound,
                    transport: spec.transport == .tcp ? .tcp : .udp, ports: ranges,
                    peer: try spec.peer.map(IPNetwork.init))
                let choice: FirewallEngineChoice =
                    switch spec.backend {
                    case .auto: .auto
                    case .nftables: .nftables
                    case .iptables: .iptables
                    }
                return .block(block, try FirewallScope(runID: runId, slot: slot(of: fault)), choice)
            case .latency(let spec):
                let match = try spec.match.map { match throws(NetworkFaultError) in
                    try NetemMatch(port: match.port.map { UInt16($0) }, address: try match.address.map(IPNetwork.init))
                }
                let shape = try spec.interface.map { interface throws(NetworkFaultError) in
                    TrafficShape.netem(
                        try NetemImpairment(
                            interface: try InterfaceName(interface), delay: spec.delay, jitter: spec.jitter,
                            lossPercent: spec.loss, match: match, replaceRoot: spec.replaceRoot))
                }
                let scope = try FirewallScope(runID: runId, slot: slot(of: fault))
                // nfqueue's packets: its own ports, else the match's port, else the service's.
                var ranges = try spec.packets.ports.map { range throws(NetworkFaultError) in
                    try FirewallPortRange(range.from, range.to)
                }
                if ranges.isEmpty,
                    let port = spec.match?.port
                        ?? target.unit(named: fault.unit)?.service(
                            named: fault.service)?.port
                {
                    ranges = [try FirewallPortRange(port)]
                }
                let queued =
                    try ranges.isEmpty
                    ? nil
                    : QueuedDelay(
                        block: try PortBlock(
                            direction: spec.packets.direction == .inbound ? .inbound : .outbound,
                            transport: spec.packets.transport == .tcp ? .tcp : .udp, ports: ranges,
                            // match.address is a destination: the peer of outbound packets only.
                            peer: try
                                (spec.packets.peer ?? (spec.packets.direction == .outbound ? spec.match?.address : nil))
                                .map(IPNetwork.init), action: .queue,
                            queue: QueuedDelay.firstQueue(runID: runId, slot: scope.slot)),
                        delay: spec.delay ?? .zero, jitter: spec.jitter ?? .zero, lossPercent: spec.loss ?? 0,
                        reorder: spec.reorder)
                return .delay(spec, shape: shape, queued: queued, scope: scope)
            case .bandwidth(let spec):
                guard let rate = TCUnits.bitsPerSecond(spec.rate), let burst = TCUnits.bytes(spec.burst) else {
                    throw FaultError(
                        "fault \(fault.name): rate '\(spec.rate)' or burst '\(spec.burst)' is not a tc size")
                }
                return .shape(
                    .bandwidth(
                        try BandwidthLimit(
                            interface: try InterfaceName(spec.interface), rateBitsPerSecond: rate, burstBytes: burst,
                            latency: spec.latency, replaceRoot: spec.replaceRoot)))
            case .killProcess, .pauseProcess, .proxy:
                throw FaultError("fault \(fault.name) is a \(fault.action.kind) fault, not a network fault")
            }
        } catch let error as FaultError {
            throw error
        } catch let error as NetworkFaultError {
            throw FaultError("fault \(fault.name): \(error.description)")
        } catch {
            throw FaultError("fault \(fault.name): \(error)")
        }
    }

    /// Each fault of the run gets its own firewall table, numbered in the order faults are first seen.
    private let slots = Mutex<[String: Int]>([:])

    private func slot(of fault: FaultSpec) -> Int {
        slots.withLock { slots in
            if let slot = slots[fault.name] { return slot }
            let slot = slots.count + 1
            slots[fault.name] = slot
            return slot
        }
    }

    private func executorName(_ fault: FaultSpec, _ target: Target) -> String {
        if let fixedExecutor { return fixedExecutor.name }
        return target.unit(named: fault.unit)?.netns.map { "netns:\($0)" } ?? "local"
    }

    private func executor(_ fault: FaultSpec, _ target: Target) throws(FaultError) -> any CommandExecutor {
        if let fixedExecutor { return fixedExecutor }
        guard let namespace = target.unit(named: fault.unit)?.netns else { return LocalExecutor() }
        do {
            return try NetnsExecutor(namespace: namespace, base: LocalExecutor())
        } catch {
            throw FaultError(error.description)
        }
    }

    /// The runner's own channels: a block that would cut one of them is refused.
    private func protected(_ target: Target) throws(FaultError) -> [ProtectedEndpoint] {
        var endpoints: [ProtectedEndpoint] = [.ssh()] + alsoProtected
        for channel in RunnerChannel.of(target) {
            do {
                endpoints += try ProtectedEndpoint.resolving(
                    label: channel.label, host: channel.host, port: UInt16(clamping: channel.port))
            } catch {
                throw FaultError(error.description)
            }
        }
        return endpoints
    }
}

/// tc's rate and size units.
enum TCUnits {
    /// `1mbit` → 1_000_000; `100kbps` → 800_000.
    static func bitsPerSecond(_ text: String) -> UInt64? {
        let units: [(String, Double)] = [
            ("tbit", 1e12), ("gbit", 1e9), ("mbit", 1e6), ("kbit", 1e3), ("bit", 1), ("tbps", 8e12), ("gbps", 8e9),
            ("mbps", 8e6), ("kbps", 8e3), ("bps", 8),
        ]
        return scaled(text, units).map { UInt64($0) }
    }

    /// `32kbit` → 4096 bytes; `64kb` → 65536.
    static func bytes(_ text: String) -> Int? {
        let units: [(String, Double)] = [
            ("gbit", 1024 * 1024 * 1024 / 8), ("mbit", 1024 * 1024 / 8), ("kbit", 1024 / 8), ("bit", 1.0 / 8),
            ("mb", 1024 * 1024), ("m", 1024 * 1024), ("kb", 1024), ("k", 1024), ("b", 1),
        ]
        return scaled(text, units).map { Int($0) }
    }

    private static func scaled(_ text: String, _ units: [(String, Double)]) -> Double? {
        let lower = text.lowercased()
        for (unit, factor) in units where lower.hasSuffix(unit) {
            guard let number = Double(lower.dropLast(unit.count)), number > 0 else { return nil }
            return number * factor
        }
        return nil
    }
}
