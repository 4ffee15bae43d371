import GameDayCore

extension KubernetesFaultDriver {
    // MARK: - Preparing

    /// Lists and chooses the pods, starts the tools containers, finds the processes; remembered
    /// for `apply`.
    func prepare(_ fault: FaultSpec, _ target: Target) async throws(FaultError) -> PodPreparation {
        let service = try PodService(unit: fault.unit, service: fault.service, in: target)
        try refuseUnsupported(fault, service)
        let signal = Self.podSignal(fault) ?? .kill
        let serving = try await servingPods(service)
        let chosen = try choose(fault, among: serving, service)
        var preparation = PodPreparation(
            service: service, hits: [], deletion: nil, deletionSteps: nil, failures: [], total: chosen.count)
        if case .blockPort = fault.action {
            let block = try podBlock(fault)
            for pod in chosen {
                let name = try PodName(checked: pod.name)
                preparation.blockSteps[name] = try blockRecipe(name, block, target, service)
            }
            preparation.blockPods = chosen
        } else if let process = service.process {
            let outcomes = await FanOut.map(chosen, concurrency: concurrency) { [self] pod in
                await Self.inPod(pod.name) { () async throws(FaultError) -> PodPreparation.Hit in
                    try await prepareHit(pod, process: process, signal: signal, service)
                }
            }
            preparation.hits = outcomes.compactMap { try? $0.get() }
            preparation.failures = outcomes.compactMap { if case .failure(let e) = $0 { e.message } else { nil } }
        } else {
            let deletion = PodDeletionFault(
                plan: service.plan, selector: service.selector, victims: chosen, servingBefore: serving.count)
            preparation.deletion = deletion
            do { preparation.deletionSteps = try deletion.steps() } catch { throw FaultError(error.description) }
        }
        if preparation.hits.isEmpty, preparation.deletion == nil, preparation.blockPods.isEmpty {
            throw FaultError(
                "\(service.place): no pod can be hit: \(preparation.failures.joined(separator: "; "))")
        }
        return preparation
    }

    private func prepareHit(
        _ summary: PodSummary, process: PodProcessName, signal: PodSignal, _ service: PodService
    ) async throws(FaultError) -> PodPreparation.Hit {
        let pod = try PodName(checked: summary.name)
        var tools = service.container
        var switchContainer: PodToolsContainer?
        if let image = service.toolsImage {
            let container: PodToolsContainer
            do {
                container = try PodToolsContainer(
                    plan: service.plan, pod: pod, target: service.container, run: runId)
            } catch {
                throw FaultError(error.description)
            }
            try await startEphemeral(
                container.start(image: image, lifetime: switchLifetime, process: process), named: container.name,
                in: pod, service)
            tools = container.name
            switchContainer = container
        }
        let pids = try await locate(process, in: pod, tools: tools, service)
        let fault = PodProcessFault(
            plan: service.plan, pod: pod, container: service.container, process: process, toolsContainer: tools)
        var steps: PodFaultSteps
        switch signal {
        case .stop: steps = fault.pause(pids: pids)
        default:
            steps = fault.kill(pids: pids, readyTimeout: readyTimeout)
            steps.apply = [fault.signal(signal, pids: pids)]
        }
        return PodPreparation.Hit(
            pod: pod, pids: pids, restartsBefore: summary.restartCounts[service.container.value] ?? 0, fault: fault,
            steps: steps, switchContainer: switchContainer)
    }

    // MARK: - kubectl

    /// Runs a kubectl argv on this host; kubectl's own failure is thrown, the pod's command's kept.
    func kubectl(_ argv: [String], timeout: Duration = .seconds(30)) async throws(FaultError) -> CommandOutput {
        let output: CommandOutput
        do {
            output = try await base.run(argv, timeout: timeout)
        } catch {
            throw FaultError(error.message)
        }
        if output.timedOut { throw FaultError("kubectl did not answer within \(DurationText.format(timeout))") }
        return output
    }

    /// The pods of the service that run, are Ready and are not being deleted.
    func servingPods(_ service: PodService) async throws(FaultError) -> [PodSummary] {
        let output = try await kubectl(service.plan.listPods(service.selector))
        if let failure = KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) {
            throw FaultError(
                KubernetesError.kubectl(failure, subject: "pods of \(service.place)", detail: output.lastLine)
                    .description)
        }
        let serving: [PodSummary]
        do {
            serving = try PodStatusReport.parse(output.stdout).serving
        } catch {
            throw FaultError(error.description)
        }
        guard !serving.isEmpty else {
            throw FaultError(
                "\(service.place): no pod of \(service.selector) in namespace \(service.plan.namespace) is Ready; "
                    + "check the selector and the workload")
        }
        return serving
    }

    /// The pods `pods:` chooses among `serving` (the same ones for the same run id).
    func choose(_ fault: FaultSpec, among serving: [PodSummary], _ service: PodService) throws(FaultError)
        -> [PodSummary]
    {
        do {
            return try HostSelection(fault.hosts).choose(from: serving, runID: runId, noun: "pods", name: \.name)
        } catch {
            throw FaultError("fault \(fault.name), pods: \(error.description) (the serving pods of \(service.place))")
        }
    }

    /// The pids of `process` in the pod, PID 1 refused.
    func locate(_ process: PodProcessName, in pod: PodName, tools: ContainerName, _ service: PodService)
        async throws(FaultError) -> [Int32]
    {
        let fault = PodProcessFault(
            plan: service.plan, pod: pod, container: service.container, process: process, toolsContainer: tools)
        let output = try await kubectl(fault.locate())
        do {
            return try fault.pids(fromPidof: output)
        } catch {
            throw FaultError(error.description)
        }
    }

    /// Adds an ephemeral container with `start` (`kubectl debug …`) and waits until it runs.
    func startEphemeral(_ start: [String], named name: ContainerName, in pod: PodName, _ service: PodService)
        async throws(FaultError)
    {
        let started = try await kubectl(start)
        if started.exitCode != 0, try await !isRunning(name, in: pod, service) {
            // (Running already: another fault of this run on the same pod started it; it is shared.)
            let failure = KubectlFailure.classify(exitCode: started.exitCode, stderr: started.stderr) ?? .other
            throw FaultError(
                KubernetesError.kubectl(failure, subject: "ephemeral container \(name)", detail: started.lastLine)
                    .description)
        }
        let deadline = ContinuousClock.now + effectTimeout
        while ContinuousClock.now < deadline {
            if try await isRunning(name, in: pod, service) { return }
            try? await Task.sleep(for: .milliseconds(200))
        }
        throw FaultError(
            "ephemeral container \(name) is not running in pod \(pod) \(DurationText.format(effectTimeout)) after it "
                + "was added; check that the cluster allows ephemeral containers and can pull the image")
    }

    /// Whether the ephemeral container `name` runs in `pod` now.
    func isRunning(_ name: ContainerName, in pod: PodName, _ service: PodService) async throws(FaultError) -> Bool {
        let output = try await kubectl(service.plan.getPod(pod))
        guard output.exitCode == 0, let report = try? PodStatusReport.parse(output.stdout) else { return false }
        return PodNetworkFault.isRunning(name, in: report)
    }

    // MARK: - Applying

    /// Sends the signal in one pod (the effecting action: `kubectl exec … kill`) and proves it took.
    func signal(_ hit: PodPreparation.Hit, _ fault: FaultSpec, _ service: PodService, _ moment: FaultMoment)
        async throws(FaultError) -> HostFault
    {
        for argv in hit.steps.apply {
            let output = try await moment.effect { () async throws(FaultError) in try await kubectl(argv) }
            if let failure = KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) {
                throw FaultError(
                    KubernetesError.kubectl(failure, subject: "\(hit.pod)", detail: output.lastLine).description)
            }
            // A kill may end `kill` itself: the app's death can end the container's PID 1, and the
            // kernel then kills all that is left in the namespace (exit 137). The proof decides.
            guard output.exitCode == 0 || Self.podSignal(fault) != .stop else {
                throw FaultError("kill exited \(output.exitCode): \(KubectlFailure.commandStderr(output.stderr))")
            }
        }
        let stop = Self.podSignal(fault) == .stop
        let pids = hit.pids.map(String.init).joined(separator: ", ")
        let deadline = ContinuousClock.now + effectTimeout
        while ContinuousClock.now < deadline {
            if stop {
                var stopped = true
                for argv in hit.steps.proof where stopped {
                    stopped = PodProcessFault.isStopped(stat: try await kubectl(argv))
                }
                if stopped { return HostFault(host: "pod/\(hit.pod)", pids: hit.pids, effect: "\(pids) stopped") }
            } else {
                let pod = try await kubectl(hit.steps.proof[0])
                let pidof = try await kubectl(hit.steps.proof[1])
                if hit.fault.killTookEffect(pids: hit.pids, restartsBefore: hit.restartsBefore, pod: pod, pidof: pidof)
                {
                    return HostFault(
                        host: "pod/\(hit.pod)", pids: hit.pids,
                        effect: "\(pids) gone; container \(service.container) restarts")
                }
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        throw FaultError(
            "\(hit.steps.proofDescription): not so \(DurationText.format(effectTimeout)) after the signal")
    }

    /// Deletes one pod (the effecting action) and proves it is going.
    func delete(_ victim: PodSummary, _ deletion: PodDeletionFault, _ moment: FaultMoment) async throws(FaultError)
        -> HostFault
    {
        let pod = try PodName(checked: victim.name)
        let output = try await moment.effect { () async throws(FaultError) in
            try await kubectl(deletion.plan.deletePod(pod))
        }
        if output.exitCode != 0 {
            let failure = KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) ?? .other
            throw FaultError(KubernetesError.kubectl(failure, subject: "\(pod)", detail: output.lastLine).description)
        }
        let deadline = ContinuousClock.now + effectTimeout
        while ContinuousClock.now < deadline {
            if PodDeletionFault.isGone(uid: victim.uid, getPodOutput: try await kubectl(deletion.plan.getPod(pod))) {
                return HostFault(host: "pod/\(pod)", pids: [], effect: "deleted (uid \(victim.uid))")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        throw FaultError("pod \(pod) is still serving \(DurationText.format(effectTimeout)) after its deletion")
    }
}
