import GameDayCore

/// Port blocks in pods: the network driver's nftables commands run in an ephemeral debug
/// container with NET_ADMIN (`kubernetes.debug_image`) in each chosen pod's network namespace. The
/// debug container is the pod's dead-man's switch: when its lifetime ends it deletes the fault's
/// table, whatever became of the runner. Latency and bandwidth (tc) in pods are refused: a qdisc
/// left behind would have no switch.
extension KubernetesFaultDriver {
    /// What a block did in one pod, for the revert.
    struct PodBlock: Sendable {
        var pod: PodName
        var driver: NetworkFaultDriver
        var debug: KubectlExecutor
        var applied: AppliedFault?
    }

    /// The fault as it runs in pods: always nftables (the table is what the switch deletes).
    func podBlock(_ fault: FaultSpec) throws(FaultError) -> FaultSpec {
        guard case .blockPort(var spec) = fault.action else {
            throw FaultError(
                "fault \(fault.name): \(fault.action.kind) in pods is not supported: a qdisc left in a pod would "
                    + "have no dead-man's switch; drill it on the node, or with a fault proxy")
        }
        guard spec.backend != .iptables else {
            throw FaultError("fault \(fault.name): in pods, block-port uses nftables (the debug image's nft)")
        }
        spec.backend = .nftables
        var fault = fault
        fault.action = .blockPort(spec)
        return fault
    }

    /// The debug container of the run in `pod`, and the network driver that runs its commands there.
    func blockParts(_ pod: PodName, _ service: PodService) throws(FaultError) -> (
        PodNetworkFault, KubectlExecutor, NetworkFaultDriver
    ) {
        let network = PodNetworkFault(
            plan: service.plan, pod: pod, target: service.container, debugImage: service.debugImage,
            lifetime: switchLifetime)
        let debug: KubectlExecutor
        do {
            debug = try network.debugContainer(run: runId).executor
        } catch {
            throw FaultError(error.description)
        }
        let driver = networkDrivers.withLock { drivers in
            if let driver = drivers[pod.value] { return driver }
            let driver = NetworkFaultDriver(runId: runId, executor: debug)
            drivers[pod.value] = driver
            return driver
        }
        return (network, debug, driver)
    }

    /// The nft table the fault makes, as the network driver plans it.
    static func table(of fault: FaultSpec, _ target: Target, _ driver: NetworkFaultDriver) throws(FaultError) -> String
    {
        let plan = driver.plan(fault, in: target)
        guard let delete = plan.revert.first(where: { $0.starts(with: ["nft", "delete", "table"]) }),
            let table = delete.last
        else {
            throw FaultError("fault \(fault.name): \(plan.proof)")
        }
        return table
    }

    /// Starts the debug container (the switch, holding the table's name) and blocks in one pod.
    func block(
        _ summary: PodSummary, _ fault: FaultSpec, _ target: Target, _ service: PodService, _ moment: FaultMoment
    ) async throws(FaultError) -> PodBlock {
        let pod = try PodName(checked: summary.name)
        let (network, debug, driver) = try blockParts(pod, service)
        let table = try Self.table(of: fault, target, driver)
        let start: [String]
        do {
            start = try network.debugContainer(run: runId, switchTable: table).start
        } catch {
            throw FaultError(error.description)
        }
        try await startEphemeral(start, named: debug.container, in: pod, service)
        return PodBlock(
            pod: pod, driver: driver, debug: debug, applied: try await driver.ready(fault, in: target).apply(moment))
    }

    /// The ledger's steps for a block in `pod`: `nft delete table` through the debug container,
    /// done when the table, the debug container (its switch deleted the table; a real kubelet says
    /// "not found" or "not running" for an ended one) or the pod is gone.
    func blockRecipe(_ pod: PodName, _ fault: FaultSpec, _ target: Target, _ service: PodService)
        throws(FaultError) -> PodRevertStep
    {
        let (_, debug, driver) = try blockParts(pod, service)
        let table = try Self.table(of: fault, target, driver)
        return .command(
            debug.commandLine(for: ["nft", "delete", "table", "inet", table]),
            alreadyDone: ["No such file or directory"],
            doneWhen: [.podNotFound, .containerNotRunning, .containerNotFound])
    }
}
