import Foundation
import GameDayCore
import Synchronization

/// Process faults (kill, pause) on every SSH host of a service, at once.
///
/// For each host, in parallel up to `concurrency`: find the process there (`RemoteProcessFinder`),
/// refuse one that carries our own SSH session (`SSHChannelGuard`), **arm a dead-man's switch**
/// (`RemoteDeadMansSwitch`) with the host's revert, send the signal and prove it took effect. While
/// the fault is applied the driver touches every host's heartbeat; if the runner dies, each host
/// reverts by itself within `switchTimeout` (+2 s). The ledger's recipe names every host
/// (`RevertRecipe.Step.onHost`), so the local watchdog and `gameday recover` reach them too.
///
/// `hosts:` chooses all of the service's hosts, a number or a share (the same ones for the same run
/// id). A host that fails to apply makes the injection partial: with `on_partial: abort` (the
/// default) the fault fails and the hosts that were hit are reverted first; with `continue` the run
/// goes on and the fault's effect names the hosts not hit.
public final class SSHProcessFaultDriver: FaultDriver, Sendable {
    public let session: SSHHostSession
    /// How long a signalled process may take to die (or stop).
    public var effectTimeout: Duration { .seconds(5) }
    var runId: String { session.runId }
    var switchTimeout: Duration { session.switchTimeout }

    public init(session: SSHHostSession) { self.session = session }

    public convenience init(runId: String, switchTimeout: Duration = .seconds(10), concurrency: Int = 16) {
        self.init(session: SSHHostSession(runId: runId, switchTimeout: switchTimeout, concurrency: concurrency))
    }

    // MARK: - FaultDriver

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        var plan = ProcessFaultDriver().plan(fault, in: target)
        let all = service(fault, target)?.hosts ?? []
        if fault.hosts == .all {
            plan.executor = "ssh: \(all.count) host(s) (\(all.map(\.description).joined(separator: ", ")))"
        } else {
            let chosen = (try? requireService(fault, target))?.hosts.map(\.description) ?? []
            // Chosen by the run id: a plan (run id "plan") can only show how many, and from which.
            plan.executor =
                runId == "plan"
                ? "ssh: \(fault.hosts) of \(all.count) (\(chosen.count), chosen by the run id among "
                    + "\(all.map(\.description).joined(separator: ", ")))"
                : "ssh: \(fault.hosts) of \(all.count), for this run \(chosen.joined(separator: ", "))"
        }
        plan.executor +=
            fault.onPartial == .continue
            ? "; goes on with the hosts hit when some cannot be" : "; stops if a host cannot be hit"
        plan.locate +=
            " on each host; a dead-man's switch on each host reverts it \(DurationText.format(switchTimeout)) after the runner's last heartbeat"
        return plan
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        let found = try await locateEverywhere(fault, target)
        return
            "found \(found.map { "\($0.host): \($0.pids.map(String.init).joined(separator: ", "))" }.joined(separator: "; "))"
    }

    public func recipe(for fault: FaultSpec, in target: Target) async throws(FaultError) -> RevertRecipe {
        guard case .killProcess(let signal, let restart) = fault.action else { throw ProcessFaultDriver.notMine(fault) }
        let service = try requireService(fault, target)
        let locator = try requireLocator(fault, service)
        var steps: [RevertRecipe.Step] = []
        if signal.number == SIGSTOP {
            let found = try await locateEverywhere(fault, target)
            for (host, hit) in zip(service.hosts, found) {
                steps.append(.onHost(recipeHost(host, fault, target), steps: [.signal(name: "CONT", pids: hit.pids)]))
            }
        } else if restart, let command = service.restart {
            for host in service.hosts {
                steps.append(
                    .onHost(
                        recipeHost(host, fault, target),
                        steps: [.restartUnlessRunning(argv: command, locator: locator)]))
            }
        }
        return RevertRecipe(executor: "ssh", steps: steps)
    }

    public func apply(_ fault: FaultSpec, in target: Target, moment: FaultMoment) async throws(FaultError)
        -> AppliedFault
    {
        guard case .killProcess(let signal, let restart) = fault.action else { throw ProcessFaultDriver.notMine(fault) }
        let service = try requireService(fault, target)
        let locator = try requireLocator(fault, service)
        let ssh = target.unit(named: fault.unit)?.ssh ?? SSHTarget()
        let stop = signal.number == SIGSTOP
        // Heartbeats from the first switch armed: a slow host must not let an early one fire.
        session.startHeartbeats(fault, service.hosts, ssh)
        let outcomes = await session.eachHost(service.hosts) { [self] host in
            await SSHHostSession.onHost(host) {
                let executor = try session.executor(host, ssh)
                let pids = try await RemoteProcessFinder(executor: executor).find(locator)
                try await SSHChannelGuard.discover(via: executor).refuseSignal(to: pids)
                let revert: [String] =
                    stop
                    ? ProcessFaultDriver.killCommand(signal: SignalName("CONT")!, pids: pids.map(String.init))
                    : (restart ? service.restart ?? ["true"] : ["true"])
                try await session.armed(fault, on: host, via: executor, revert: revert) {
                    // The effecting action, one SSH round trip on a multiplexed connection; the
                    // lookup, the guard and the switch above are preparation.
                    let kill = try await moment.effect { () async throws(CommandError) in
                        try await executor.run(
                            ProcessFaultDriver.killCommand(signal: signal, pids: pids.map(String.init)),
                            timeout: .seconds(20))
                    }
                    guard kill.exitCode == 0 else {
                        throw FaultError("kill failed (exit \(kill.exitCode)): \(kill.lastLine)")
                    }
                    try await prove(stop: stop, pids: pids, on: executor)
                }
                return HostFault(
                    host: host.description, pids: pids,
                    effect:
                        "\(signal) sent to \(pids.map(String.init).joined(separator: ", ")); \(stop ? "stopped" : "gone")"
                )
            }
        }
        return try await session.settle(
            fault, outcomes, of: service.hosts.count, ssh, hosts: service.hosts,
            applied: { hit in
                AppliedFault(
                    spec: fault, plan: plan(fault, in: target), pids: hit.flatMap(\.pids),
                    commands: [ProcessFaultDriver.killCommand(signal: signal, pids: ["<pid>"])],
                    effect: "\(signal) on \(hit.count) of \(service.hosts.count) host(s); "
                        + (stop ? "stopped" : "gone"))
            }, revert: { applied throws(FaultError) in try await revert(applied, in: target) })
    }

    public func revert(_ applied: AppliedFault, in target: Target) async throws(FaultError) -> String {
        let fault = applied.spec
        session.stopHeartbeats(fault)
        let service = try requireService(fault, target)
        let recipe: RevertRecipe
        if case .killProcess(let signal, _) = fault.action, signal.number == SIGSTOP {
            let hosts = Dictionary(uniqueKeysWithValues: applied.hosts.map { ($0.host, $0.pids) })
            recipe = RevertRecipe(
                executor: "ssh",
                steps: service.hosts.compactMap { host in
                    hosts[host.description].map {
                        .onHost(recipeHost(host, fault, target), steps: [.signal(name: "CONT", pids: $0)])
                    }
                })
        } else {
            // Only the hosts that were hit: with `on_partial: continue` the others never were.
            let all = try await self.recipe(for: fault, in: target)
            let hit = Set(applied.hosts.map(\.host))
            recipe = RevertRecipe(
                executor: all.executor,
                steps: all.steps.filter { step in
                    if case .onHost(let host, _) = step { hit.contains(host.host.description) } else { true }
                })
        }
        let done: String
        do {
            done = recipe.steps.isEmpty ? "no restart asked for" : try await RecipeRunner().run(recipe)
        } catch {
            throw FaultError("\(error)")
        }
        // Reverted by the runner: the switches of the hosts it hit must not fire later.
        let hit = Set(applied.hosts.map(\.host))
        await session.disarm(
            fault, on: service.hosts.filter { hit.contains($0.description) },
            target.unit(named: fault.unit)?.ssh ?? SSHTarget())
        return done
    }

    // MARK: - Parts

    private func prove(stop: Bool, pids: [Int32], on executor: SSHExecutor) async throws(FaultError) {
        // Exit 0 when every pid is gone (kill) or stopped (pause).
        let script =
            stop
            ? #"for p; do s=$(sed 's/.*) \([A-Za-z]\).*/\1/' /proc/$p/stat 2>/dev/null); [ -z "$s" ] || [ "$s" = T ] || exit 1; done"#
            : #"for p; do s=$(sed 's/.*) \([A-Za-z]\).*/\1/' /proc/$p/stat 2>/dev/null); [ -z "$s" ] || [ "$s" = Z ] || exit 1; done"#
        let deadline = ContinuousClock.now + effectTimeout
        while ContinuousClock.now < deadline {
            if let output = try? await executor.run(
                ["sh", "-c", script, "gameday-proof"] + pids.map(String.init), timeout: .seconds(10)),
                output.exitCode == 0
            {
                return
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        throw FaultError(
            "process \(pids.map(String.init).joined(separator: ", ")) still \(stop ? "running" : "alive") "
                + "\(DurationText.format(effectTimeout)) after the signal")
    }

    private func locateEverywhere(_ fault: FaultSpec, _ target: Target) async throws(FaultError) -> [HostFault] {
        let service = try requireService(fault, target)
        let locator = try requireLocator(fault, service)
        let ssh = target.unit(named: fault.unit)?.ssh ?? SSHTarget()
        let outcomes = await session.eachHost(service.hosts) { [self] host -> Result<HostFault, FaultError> in
            do {
                let executor = try session.executor(host, ssh)
                let pids = try await RemoteProcessFinder(executor: executor).find(locator)
                try await SSHChannelGuard.discover(via: executor).refuseSignal(to: pids)
                return .success(HostFault(host: host.description, pids: pids, effect: "found"))
            } catch let error as FaultError {
                return .failure(FaultError("\(host): \(error.message)"))
            } catch {
                return .failure(FaultError("\(host): \(error)"))
            }
        }
        let failures = outcomes.compactMap { outcome -> String? in
            if case .failure(let error) = outcome { error.message } else { nil }
        }
        guard failures.isEmpty else {
            throw FaultError(
                "\(fault.unit)/\(fault.service): \(failures.count) of \(service.hosts.count) host(s) not ready: "
                    + failures.joined(separator: "; "))
        }
        return outcomes.compactMap { try? $0.get() }
    }

    private func recipeHost(_ host: HostTarget, _ fault: FaultSpec, _ target: Target) -> RecipeHost {
        RecipeHost(target: target.file, unit: fault.unit, host: host)
    }

    private func service(_ fault: FaultSpec, _ target: Target) -> ServiceTarget? {
        target.unit(named: fault.unit)?.service(named: fault.service)
    }

    /// The service, with `hosts` narrowed to the ones the fault's `hosts:` chooses (the same ones
    /// for the same run id: `HostSelection`).
    private func requireService(_ fault: FaultSpec, _ target: Target) throws(FaultError) -> ServiceTarget {
        guard var service = service(fault, target), !service.hosts.isEmpty else {
            throw FaultError("\(fault.unit)/\(fault.service) names no SSH hosts")
        }
        service.hosts = try session.chosen(fault, among: service.hosts)
        return service
    }

    private func requireLocator(_ fault: FaultSpec, _ service: ServiceTarget) throws(FaultError) -> ProcessLocator {
        guard let locator = service.process else {
            throw FaultError(
                "the target does not say how to find the process of \(fault.unit)/\(fault.service) (process:)")
        }
        return locator
    }

    /// Ends the heartbeats and closes every connection the session opened.
    public func close() async { await session.close() }
}
