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
/// id). A host that fails to apply makes the injection partial (`PartialInjection`): with
/// `on_partial: abort` (the default) the fault fails and the rollback reverts it on the hosts that
/// were hit; with `continue` the run goes on and the fault's effect names the hosts not hit.
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
        let service = try requireService(fault, target)
        let outcomes = try await lookUp(fault, service, target.unit(named: fault.unit)?.ssh ?? SSHTarget())
        let failures = outcomes.compactMap { outcome -> String? in
            if case .failure(let error) = outcome { error.message } else { nil }
        }
        guard failures.isEmpty else {
            throw FaultError(
                "\(fault.unit)/\(fault.service): \(failures.count) of \(service.hosts.count) host(s) not ready: "
                    + failures.joined(separator: "; "))
        }
        let found = outcomes.compactMap { try? $0.get() }
        return
            "found \(found.map { "\($0.host): \($0.pids.map(String.init).joined(separator: ", "))" }.joined(separator: "; "))"
    }

    /// Finds the processes on every chosen host and guards them (a host where that fails is not
    /// hit, settled by `on_partial`); the revert names every host: SIGCONT to exactly the
    /// processes paused there, or the restart command, then the host's switch disarmed (it must
    /// not fire once the fault is reverted, whoever reverted it).
    public func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        guard case let (signal, restart)? = fault.action.signalled else { throw ProcessFaultDriver.notMine(fault) }
        let service = try requireService(fault, target)
        let locator = try requireLocator(fault, service)
        let ssh = target.unit(named: fault.unit)?.ssh ?? SSHTarget()
        let found = try await lookUp(fault, service, ssh)
        let stop = fault.action == .pauseProcess
        var steps: [RevertRecipe.Step] = []
        var hosts: [HostPreparation] = []
        for (host, outcome) in zip(service.hosts, found) {
            let pids = (try? outcome.get())?.pids
            let command = restart ? service.restart : nil
            let revert: [RevertRecipe.Step] =
                stop
                ? [.signal(name: "CONT", pids: pids ?? [])]
                : command.map { [.restartUnlessRunning(argv: $0, locator: locator, health: HealthWait(service))] } ?? []
            steps.append(.onHost(recipeHost(host, fault, target), steps: revert + [try disarm(fault, host)]))
            guard let pids else { continue }
            // What the host's switch runs by itself: the same revert, as a plain command.
            let switchRevert =
                stop
                ? ProcessFaultDriver.killCommand(signal: SignalName("CONT")!, pids: pids.map(String.init))
                : command ?? ["true"]
            hosts.append(HostPreparation(host: host, pids: pids, switchRevert: switchRevert))
        }
        let plan = plan(fault, in: target)
        let prepared = hosts
        let failures = found.compactMap { if case .failure(let error) = $0 { error.message } else { nil } }
        return ReadyFault(
            spec: fault, plan: plan,
            found: "found "
                + zip(service.hosts, found).map { host, outcome in
                    "\(host): " + ((try? outcome.get())?.pids.map(String.init).joined(separator: ", ") ?? "not found")
                }.joined(separator: "; "),
            recipe: RevertRecipe(executor: "ssh", steps: steps)
        ) { [self] moment async throws(FaultError) in
            try await apply(
                fault, signal: signal, on: prepared, failures: failures, of: service.hosts, ssh: ssh, plan: plan,
                moment: moment)
        }
    }

    /// A host the fault will hit: its processes, and what its dead-man's switch runs.
    private struct HostPreparation: Sendable {
        var host: HostTarget
        var pids: [Int32]
        var switchRevert: [String]
    }

    /// Arms each host's switch and signals the processes prepared there, in parallel.
    private func apply(
        _ fault: FaultSpec, signal: SignalName, on prepared: [HostPreparation], failures: [String],
        of all: [HostTarget], ssh: SSHTarget, plan: FaultPlan, moment: FaultMoment
    ) async throws(FaultError) -> AppliedFault {
        let stop = signal.number == SIGSTOP
        let byHost = Dictionary(uniqueKeysWithValues: prepared.map { ($0.host.description, $0) })
        // Heartbeats from the first switch armed: a slow host must not let an early one fire.
        session.startHeartbeats(fault, prepared.map(\.host), ssh)
        let outcomes = await session.eachHost(prepared.map(\.host)) { [self] host in
            await SSHHostSession.onHost(host) {
                let executor = try session.executor(host, ssh)
                guard let preparation = byHost[host.description] else { throw FaultError("not prepared") }
                let pids = preparation.pids
                let revert = preparation.switchRevert
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
        return try session.settle(fault, outcomes, failures: failures, of: all.count, ssh, hosts: all) { hit in
            AppliedFault(
                spec: fault, plan: plan, pids: hit.flatMap(\.pids),
                commands: [ProcessFaultDriver.killCommand(signal: signal, pids: ["<pid>"])],
                effect: "\(signal) on \(hit.count) of \(all.count) host(s); " + (stop ? "stopped" : "gone"))
        }
    }

    // MARK: - Parts

    private func prove(stop: Bool, pids: [Int32], on executor: SSHExecutor) async throws(FaultError) {
        // Exit 0 when every pid is gone (kill) or stopped (pause).
        let script =
            RemoteProcFunctions.definitions + "\n"
            + (stop
                ? #"for p; do s=$(state_of "$p"); [ -z "$s" ] || [ "$s" = T ] || exit 1; done"#
                : #"for p; do s=$(state_of "$p"); [ -z "$s" ] || [ "$s" = Z ] || exit 1; done"#)
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

    /// On every chosen host: the processes found and guarded there, or why not.
    private func lookUp(_ fault: FaultSpec, _ service: ServiceTarget, _ ssh: SSHTarget) async throws(FaultError)
        -> [Result<HostFault, FaultError>]
    {
        let locator = try requireLocator(fault, service)
        return await session.eachHost(service.hosts) { [self] host in
            await SSHHostSession.onHost(host) {
                let executor = try session.executor(host, ssh)
                let pids = try await RemoteProcessFinder(executor: executor).find(locator)
                try await SSHChannelGuard.discover(via: executor).refuseSignal(to: pids)
                return HostFault(host: host.description, pids: pids, effect: "found")
            }
        }
    }

    private func disarm(_ fault: FaultSpec, _ host: HostTarget) throws(FaultError) -> RevertRecipe.Step {
        .command(argv: try session.deadMansSwitch(fault, host).disarmCommand, okExitCodes: [])
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
