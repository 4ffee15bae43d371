import GameDayCore
import Synchronization

/// Process faults (kill, pause) on a service that runs in Kubernetes pods, through `kubectl`.
///
/// A kill or a pause signals the service's process (`process: { name: … }`) in its container of
/// each chosen pod, found with `pidof` (PID 1 refused: the kernel would drop the signal); the
/// kubelet restarts a killed container, and the revert waits until the pod is Ready again. A
/// service without a process name is killed by deleting its pods (the kubelet stops them from
/// outside), and the revert waits until as many pods serve again, none of them a deleted one.
///
/// With the unit's `tools_image`, each pod gets an ephemeral tools container (`PodToolsContainer`)
/// that runs the tools and is the pod's dead-man's switch: a paused process resumes by itself
/// `switchLifetime` after the fault even when nobody is left to revert it. Without it, the ledger's
/// kubectl steps (the local watchdog, `gameday recover`) are the only way back.
///
/// `pods:` chooses all the serving pods, a number or a share (the same ones for the same run id);
/// a pod that cannot be hit makes the injection partial, settled by `on_partial` as for SSH hosts.
public final class KubernetesFaultDriver: FaultDriver, Sendable {
    public let runId: String
    /// How long a tools container's switch waits before it resumes a paused process by itself:
    /// longer than the drill can last.
    public let switchLifetime: Duration
    /// How long a revert waits for killed containers or deleted pods to serve again.
    public let readyTimeout: Duration
    /// How long a signal or a deletion may take to show.
    public let effectTimeout: Duration
    public let concurrency: Int
    /// Where kubectl runs.
    public let base: any CommandExecutor
    /// The network driver of each pod a port block went into (it numbers the run's tables).
    let networkDrivers = Mutex<[String: NetworkFaultDriver]>([:])

    public init(
        runId: String, switchLifetime: Duration = .seconds(3600), readyTimeout: Duration = .seconds(120),
        effectTimeout: Duration = .seconds(20), concurrency: Int = 16, base: any CommandExecutor = LocalExecutor()
    ) {
        self.runId = runId
        self.switchLifetime = switchLifetime
        self.readyTimeout = readyTimeout
        self.effectTimeout = effectTimeout
        self.concurrency = max(1, concurrency)
        self.base = base
    }

    // MARK: - FaultDriver

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        let kind = fault.action.kind
        let service: PodService
        do {
            service = try PodService(unit: fault.unit, service: fault.service, in: target)
        } catch {
            return FaultPlan(
                name: fault.name, kind: kind, unit: fault.unit, service: fault.service, executor: "k8s",
                locate: "cannot be planned: \(error.message)", apply: [], revert: [], proof: "")
        }
        let p = service.plan
        let choice =
            fault.hosts == .all
            ? "all serving pods" : "\(PodShare.describe(fault.hosts)) of the serving pods, chosen by the run id"
        let executor =
            "k8s: \(p.connection.contextName)/\(p.namespace), pods \(service.selector) (container \(service.container)), "
            + choice + (fault.onPartial == .continue ? "; goes on with the pods hit" : "; stops if a pod cannot be hit")
        let pod = "<pod>"
        let exec = p.prefix + ["exec", pod]
        if case .blockPort = fault.action {
            guard let block = try? podBlock(fault), let image = service.debugImage else {
                return FaultPlan(
                    name: fault.name, kind: kind, unit: fault.unit, service: fault.service, executor: executor,
                    locate: "refused: port blocks in pods need kubernetes.debug_image and nftables", apply: [],
                    revert: [], proof: "")
            }
            var network = NetworkFaultDriver(runId: runId).plan(block, in: target)
            let debug = "gameday-net-\(runId == "plan" ? "RUN" : runId)"
            network.executor = executor
            network.locate =
                "a debug container \(debug) (\(image), profile netadmin) in each pod's network namespace; it deletes "
                + "the table by itself \(DurationText.format(switchLifetime)) after the fault"
            network.apply = network.apply.map { exec + ["--container=\(debug)", "--"] + $0 }
            network.revert = network.revert.map { exec + ["--container=\(debug)", "--"] + $0 }
            return network
        }
        guard let process = service.process else {
            return FaultPlan(
                name: fault.name, kind: kind, unit: fault.unit, service: fault.service, executor: executor,
                locate: "the serving pods of \(service.selector) (no process name: the pods are deleted)",
                apply: [p.prefix + ["delete", "pod", pod, "--grace-period=1", "--wait=false"]],
                revert: [p.listPods(service.selector, runningOnly: false)],
                proof: "every deleted pod is gone, terminating or replaced; the revert waits until as many pods serve")
        }
        let tools =
            service.toolsImage == nil ? service.container.value : "gameday-tools-\(runId == "plan" ? "RUN" : runId)"
        let signal = Self.podSignal(fault) ?? .kill
        var locate = "pidof \(process) in container \(service.container) of each pod (PID 1 refused)"
        if let image = service.toolsImage {
            locate +=
                ", from a tools container \(tools) (\(image)) that resumes the process by itself "
                + "\(DurationText.format(switchLifetime)) after the fault"
        } else {
            locate += "; no switch in the pod (set kubernetes.tools_image for one): the watchdog reverts"
        }
        let stop = signal == .stop
        return FaultPlan(
            name: fault.name, kind: kind, unit: fault.unit, service: fault.service, executor: executor, locate: locate,
            apply: [exec + ["--container=\(tools)", "--", "kill", "-s", signal.rawValue, "<pid>"]],
            revert: [
                stop
                    ? exec + ["--container=\(tools)", "--", "kill", "-s", "CONT", "<pid>"]
                    : p.prefix + [
                        "wait", "pod/\(pod)", "--for=condition=Ready",
                        "--timeout=\(KubectlPlan.seconds(readyTimeout))s",
                    ]
            ],
            proof: stop
                ? "every process \(process) is stopped (state T)"
                : "container \(service.container) restarted, or its process is gone")
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        let service = try PodService(unit: fault.unit, service: fault.service, in: target)
        try refuseUnsupported(fault, service)
        let serving = try await servingPods(service)
        let chosen = try choose(fault, among: serving, service)
        var found = "\(chosen.count) of \(serving.count) serving pod(s) of \(service.selector)"
        // Without a tools image the app container's own pidof can be asked now, changing nothing;
        // a tools container is only started when the fault is applied.
        if fault.action.signalled != nil, let process = service.process, service.toolsImage == nil {
            let outcomes = await FanOut.map(chosen, concurrency: concurrency) { [self] pod in
                await Self.inPod(pod.name) { () async throws(FaultError) -> [Int32] in
                    try await locate(process, in: try PodName(checked: pod.name), tools: service.container, service)
                }
            }
            let failures = outcomes.compactMap { if case .failure(let e) = $0 { e.message } else { nil } }
            guard failures.isEmpty else {
                throw FaultError(
                    "\(service.place): \(failures.count) of \(chosen.count) pod(s) not ready: "
                        + failures.joined(separator: "; "))
            }
            found +=
                ": "
                + zip(chosen, outcomes).map { pod, outcome in
                    "\(pod.name) \((try? outcome.get())?.map(String.init).joined(separator: ", ") ?? "")"
                }.joined(separator: "; ")
        }
        return "found \(found)"
    }

    /// Lists and chooses the pods, starts the tools containers, finds the processes (the internal
    /// `prepare`), once; the revert is each pod's steps (its tools container disarmed after a
    /// pause), narrowed by the ledger to the pods the fault hit.
    public func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        let preparation = try await prepare(fault, target)
        let plan = plan(fault, in: target)
        return ReadyFault(
            spec: fault, plan: plan, found: "prepared \(preparation.total) pod(s) of \(preparation.service.selector)",
            recipe: RevertRecipe(executor: "k8s", steps: preparation.recipeSteps(timeout: readyTimeout))
        ) { [self] moment async throws(FaultError) in
            try await apply(preparation, fault, target, plan: plan, moment: moment)
        }
    }

    private func apply(
        _ preparation: PodPreparation, _ fault: FaultSpec, _ target: Target, plan: FaultPlan, moment: FaultMoment
    ) async throws(FaultError) -> AppliedFault {
        let service = preparation.service
        let outcomes: [Result<HostFault, FaultError>]
        if !preparation.blockPods.isEmpty {
            let block = try podBlock(fault)
            outcomes = await FanOut.map(preparation.blockPods, concurrency: concurrency) { [self] pod in
                await Self.inPod(pod.name) { () async throws(FaultError) -> HostFault in
                    let done = try await self.block(pod, block, target, service, moment)
                    return HostFault(host: "pod/\(pod.name)", pids: [], effect: done.applied?.effect ?? "blocked")
                }
            }
        } else if let deletion = preparation.deletion {
            outcomes = await FanOut.map(deletion.victims, concurrency: concurrency) { [self] victim in
                await Self.inPod(victim.name) { () async throws(FaultError) -> HostFault in
                    try await delete(victim, deletion, moment)
                }
            }
        } else {
            outcomes = await FanOut.map(preparation.hits, concurrency: concurrency) { [self] hit in
                await Self.inPod(hit.pod.value) { () async throws(FaultError) -> HostFault in
                    try await signal(hit, fault, service, moment)
                }
            }
        }
        return try PartialInjection.settle(
            fault, outcomes, failures: preparation.failures, of: preparation.total, places: "pod(s)"
        ) { hit in
            AppliedFault(
                spec: fault, plan: plan, pids: hit.flatMap(\.pids),
                commands: preparation.applyCommands(hit: Set(hit.map(\.host))),
                effect: "\(fault.action.kind) on \(hit.count) of \(preparation.total) pod(s)")
        }
    }

    // MARK: - Steps

    /// The signal a process fault sends in a pod: KILL, TERM or STOP (`nil` for any other).
    static func podSignal(_ fault: FaultSpec) -> PodSignal? {
        guard case let (signal, _)? = fault.action.signalled else { return nil }
        return PodSignal(rawValue: signal.name).flatMap { $0 == .cont ? nil : $0 }
    }

    func refuseUnsupported(_ fault: FaultSpec, _ service: PodService) throws(FaultError) {
        guard case let (signal, _)? = fault.action.signalled else {
            _ = try podBlock(fault)
            if service.debugImage == nil {
                throw FaultError(
                    "fault \(fault.name): a port block in pods of \(service.place) needs kubernetes.debug_image "
                        + "(an image with nft, run as an ephemeral container with NET_ADMIN)")
            }
            return
        }
        guard let podSignal = Self.podSignal(fault) else {
            throw FaultError("fault \(fault.name): a process in a pod takes SIGKILL, SIGTERM or SIGSTOP, not \(signal)")
        }
        // The tools container shares the app's processes: its own shell and sleep would be found too.
        if service.toolsImage != nil, let process = service.process, PodToolsContainer.ownNames.contains(process.value)
        {
            throw FaultError(
                "fault \(fault.name): with kubernetes.tools_image, the process of \(service.place) cannot be named "
                    + "\(process): the tools container's own \(PodToolsContainer.ownNames.joined(separator: " and ")) "
                    + "share the pod's processes and would be signalled too; leave tools_image out")
        }
        if service.process == nil, podSignal == .stop {
            throw FaultError(
                "fault \(fault.name): pausing \(service.place) needs 'process: { name: … }' to find in container "
                    + "\(service.container)")
        }
    }

    /// One pod's step, its errors named after the pod.
    static func inPod<T>(_ pod: String, _ body: () async throws(FaultError) -> T) async -> Result<T, FaultError> {
        do {
            return .success(try await body())
        } catch {
            return .failure(FaultError("pod \(pod): \(error.message)"))
        }
    }
}
