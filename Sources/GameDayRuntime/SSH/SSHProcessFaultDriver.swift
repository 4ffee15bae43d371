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
    public let runId: String
    /// How long a host waits without heartbeats before it reverts by itself.
    public let switchTimeout: Duration
    public let concurrency: Int
    /// How long a signalled process may take to die (or stop).
    public var effectTimeout: Duration { .seconds(5) }
    /// The multiplexing sockets' directory, made at the first connection (nil when it cannot be:
    /// every command then opens a connection of its own).
    private let control = Mutex<(made: Bool, directory: SSHControlDirectory?)>((false, nil))
    private let heartbeats = Mutex<[String: Task<Void, Never>]>([:])
    /// The hosts reached through multiplexed connections, to close them at the end.
    private let used = Mutex<[String: SSHExecutor]>([:])

    public init(runId: String, switchTimeout: Duration = .seconds(10), concurrency: Int = 16) {
        self.runId = runId
        self.switchTimeout = max(switchTimeout, .seconds(2))
        self.concurrency = max(1, concurrency)
    }

    deinit {
        heartbeats.withLock { tasks in tasks.values.forEach { $0.cancel() } }
        control.withLock { $0.directory?.remove() }
    }

    private var multiplexing: SSHOptions.Multiplexing? {
        control.withLock { control in
            if !control.made { control = (true, try? SSHControlDirectory.create()) }
            // Kept open between heartbeats, closed by `close()` (or by ssh after this long unused).
            return control.directory.map {
                SSHOptions.Multiplexing(directory: $0, persist: max(.seconds(15), switchTimeout))
            }
        }
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

    public func apply(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> AppliedFault {
        guard case .killProcess(let signal, let restart) = fault.action else { throw ProcessFaultDriver.notMine(fault) }
        let service = try requireService(fault, target)
        let locator = try requireLocator(fault, service)
        let ssh = target.unit(named: fault.unit)?.ssh ?? SSHTarget()
        let stop = signal.number == SIGSTOP
        let outcomes = await eachHost(service.hosts) { [self] host -> Result<HostFault, FaultError> in
            do {
                let executor = try executor(host, ssh)
                let pids = try await RemoteProcessFinder(executor: executor).find(locator)
                try await SSHChannelGuard.discover(via: executor).refuseSignal(to: pids)
                let revert: [String] =
                    stop
                    ? ProcessFaultDriver.killCommand(signal: SignalName("CONT")!, pids: pids.map(String.init))
                    : (restart ? service.restart ?? ["true"] : ["true"])
                let dms = try deadMansSwitch(fault, host)
                used.withLock { $0[host.description] = executor }
                let armed = try await executor.run(try dms.armCommand(revert: revert), timeout: .seconds(20))
                guard armed.exitCode == 0 else {
                    throw FaultError("cannot arm the dead-man's switch: \(armed.lastLine)")
                }
                do {
                    let kill = try await executor.run(
                        ProcessFaultDriver.killCommand(signal: signal, pids: pids.map(String.init)),
                        timeout: .seconds(20))
                    guard kill.exitCode == 0 else {
                        throw FaultError("kill failed (exit \(kill.exitCode)): \(kill.lastLine)")
                    }
                    try await prove(stop: stop, pids: pids, on: executor)
                } catch {
                    // Not applied here after all: this host's switch must not fire.
                    _ = try? await executor.run(dms.disarmCommand, timeout: .seconds(20))
                    throw error
                }
                return .success(
                    HostFault(
                        host: host.description, pids: pids,
                        effect:
                            "\(signal) sent to \(pids.map(String.init).joined(separator: ", ")); \(stop ? "stopped" : "gone")"
                    ))
            } catch let error as FaultError {
                return .failure(FaultError("\(host): \(error.message)"))
            } catch let error as CommandError {
                return .failure(FaultError("\(host): \(error.message)"))
            } catch {
                return .failure(FaultError("\(host): \(error)"))
            }
        }
        let hit = outcomes.compactMap { try? $0.get() }
        let failures = outcomes.compactMap { outcome -> String? in
            if case .failure(let error) = outcome { error.message } else { nil }
        }
        var applied = AppliedFault(
            spec: fault, plan: plan(fault, in: target), pids: hit.flatMap(\.pids),
            commands: [ProcessFaultDriver.killCommand(signal: signal, pids: ["<pid>"])],
            effect: "\(signal) on \(hit.count) of \(service.hosts.count) host(s); " + (stop ? "stopped" : "gone"))
        applied.hosts = hit
        startHeartbeats(fault, service.hosts, ssh)
        if !failures.isEmpty, fault.onPartial == .continue, !hit.isEmpty {
            applied.effect += "; PARTIAL, not hit: \(failures.joined(separator: "; "))"
            return applied
        }
        guard failures.isEmpty else {
            // A partial injection is not the drill described: put the hosts that were hit back first.
            let undone = (try? await revert(applied, in: target)) ?? "the revert failed too; run 'gameday recover'"
            throw FaultError(
                "fault \(fault.name) applied on \(hit.count) of \(service.hosts.count) host(s) only: "
                    + "\(failures.joined(separator: "; ")); reverted where applied: \(undone)")
        }
        return applied
    }

    public func revert(_ applied: AppliedFault, in target: Target) async throws(FaultError) -> String {
        let fault = applied.spec
        stopHeartbeats(fault)
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
        let ssh = target.unit(named: fault.unit)?.ssh ?? SSHTarget()
        let hit = Set(applied.hosts.map(\.host))
        _ = await eachHost(service.hosts.filter { hit.contains($0.description) }) { [self] host -> Bool in
            guard let executor = try? executor(host, ssh), let dms = try? deadMansSwitch(fault, host) else {
                return false
            }
            return (try? await executor.run(dms.disarmCommand, timeout: .seconds(20)))?.exitCode == 0
        }
        return done
    }

    // MARK: - Parts

    /// The switch of `fault` on `host`, under /tmp there; named after the host too, so hosts that
    /// share a /tmp (or a test's fleet on one machine) keep one switch each.
    public func deadMansSwitch(_ fault: FaultSpec, _ host: HostTarget) throws(FaultError) -> RemoteDeadMansSwitch {
        let place = String(
            host.description.unicodeScalars.map { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || ".-".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
        do {
            return try RemoteDeadMansSwitch(
                directory: "/tmp", id: "\(runId)-\(fault.name)-\(place)", timeout: switchTimeout)
        } catch {
            throw FaultError(error.description)
        }
    }

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
        let outcomes = await eachHost(service.hosts) { [self] host -> Result<HostFault, FaultError> in
            do {
                let executor = try executor(host, ssh)
                used.withLock { $0[host.description] = executor }
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

    private func startHeartbeats(_ fault: FaultSpec, _ hosts: [HostTarget], _ ssh: SSHTarget) {
        let beat = switchTimeout / 3
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: beat)
                if Task.isCancelled { break }
                _ = await eachHost(hosts) { [self] host -> Bool in
                    guard let executor = try? executor(host, ssh), let dms = try? deadMansSwitch(fault, host) else {
                        return false
                    }
                    return (try? await executor.run(dms.heartbeatCommand, timeout: beat))?.exitCode == 0
                }
            }
        }
        heartbeats.withLock {
            $0[fault.name]?.cancel(); $0[fault.name] = task
        }
    }

    private func stopHeartbeats(_ fault: FaultSpec) {
        heartbeats.withLock { $0.removeValue(forKey: fault.name)?.cancel() }
    }

    /// Runs `body` for every host, at most `concurrency` at once; results in the hosts' order.
    private func eachHost<T: Sendable>(
        _ hosts: [HostTarget], _ body: @escaping @Sendable (HostTarget) async -> T
    ) async -> [T] {
        await FanOut.map(hosts, concurrency: concurrency, body)
    }

    private func executor(_ host: HostTarget, _ ssh: SSHTarget) throws(FaultError) -> SSHExecutor {
        do {
            return try SSHExecutor(host: host, ssh: ssh, multiplexing: multiplexing)
        } catch {
            throw FaultError("\(host): \(error.description)")
        }
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
        let selection: HostSelection =
            switch fault.hosts {
            case .all: .all
            case .count(let count): .count(count)
            case .percent(let percent): .percent(percent)
            }
        do {
            service.hosts = try selection.choose(from: service.hosts, runID: runId, name: \.description)
        } catch {
            throw FaultError("fault \(fault.name), hosts: \(error.description) of \(fault.unit)/\(fault.service)")
        }
        return service
    }

    private func requireLocator(_ fault: FaultSpec, _ service: ServiceTarget) throws(FaultError) -> ProcessLocator {
        guard let locator = service.process else {
            throw FaultError(
                "the target does not say how to find the process of \(fault.unit)/\(fault.service) (process:)")
        }
        return locator
    }

    /// Ends the heartbeats and closes every multiplexed connection this driver opened.
    public func close() async {
        heartbeats.withLock { tasks in
            tasks.values.forEach { $0.cancel() }
            tasks.removeAll()
        }
        for executor in used.withLock({ Array($0.values) }) { _ = await executor.close() }
        used.withLock { $0.removeAll() }
        control.withLock { control in
            control.directory?.remove()
            control = (false, nil)
        }
    }
}
