import Foundation
import GameDayCore
import Synchronization

/// Network faults (port blocks, latency, bandwidth) on every chosen SSH host of a unit or service,
/// at once: on each host, the local network driver's commands run over SSH, a block never covers
/// the SSH port the runner came through, and a dead-man's switch armed before the fault runs the
/// host's revert commands by itself if the runner's heartbeats stop. `hosts:` and `on_partial`
/// work as for process faults (`SSHHostSession`).
public final class SSHNetworkFaultDriver: FaultDriver, Sendable {
    public let session: SSHHostSession
    /// One network driver per host: each keeps what it applied there.
    private let drivers = Mutex<[String: NetworkFaultDriver]>([:])
    /// Per fault, per host: what was applied, for the revert.
    private let applied = Mutex<[String: [String: AppliedFault]]>([:])

    public init(session: SSHHostSession) { self.session = session }

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        var plan = NetworkFaultDriver(runId: session.runId).plan(fault, in: target)
        let all = CompositeFaultDriver.sshHosts(of: fault, in: target) ?? []
        let chosen = (try? session.chosen(fault, among: all)) ?? all
        plan.executor =
            "ssh: \(chosen.count) of \(all.count) host(s) (\(chosen.map(\.description).joined(separator: ", "))); "
            + (fault.onPartial == .continue
                ? "goes on with the hosts hit when some cannot be" : "stops if a host cannot be hit")
        return plan
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        let (hosts, ssh) = try chosenHosts(fault, target)
        let outcomes = await session.eachHost(hosts) { [self] host in
            await SSHHostSession.onHost(host) {
                let said = try await driver(host, ssh).check(fault, in: target)
                return HostFault(host: host.description, pids: [], effect: said)
            }
        }
        let failures = outcomes.compactMap { outcome -> String? in
            if case .failure(let error) = outcome { error.message } else { nil }
        }
        guard failures.isEmpty else {
            throw FaultError(
                "\(failures.count) of \(hosts.count) host(s) not ready: \(failures.joined(separator: "; "))")
        }
        return outcomes.compactMap { try? $0.get() }.map { "\($0.host): \($0.effect)" }.joined(separator: "; ")
    }

    public func recipe(for fault: FaultSpec, in target: Target) async throws(FaultError) -> RevertRecipe {
        let (hosts, ssh) = try chosenHosts(fault, target)
        var steps: [RevertRecipe.Step] = []
        for host in hosts {
            let recipe = try await driver(host, ssh).recipe(for: fault, in: target)
            steps.append(.onHost(RecipeHost(target: target.file, unit: fault.unit, host: host), steps: recipe.steps))
        }
        return RevertRecipe(executor: "ssh", steps: steps)
    }

    public func apply(_ fault: FaultSpec, in target: Target, moment: FaultMoment) async throws(FaultError)
        -> AppliedFault
    {
        let (hosts, ssh) = try chosenHosts(fault, target)
        // Heartbeats from the first switch armed: a slow host must not let an early one fire.
        session.startHeartbeats(fault, hosts, ssh)
        let outcomes = await session.eachHost(hosts) { [self] host in
            await SSHHostSession.onHost(host) {
                let driver = try driver(host, ssh)
                let executor = try session.executor(host, ssh)
                // The switch runs the same idempotent commands the ledger holds, none stopping the others.
                let recipe = try await driver.recipe(for: fault, in: target)
                let commands = recipe.steps.compactMap { step -> String? in
                    if case .command(let argv, _) = step { RemoteShell.commandLine(argv) + " || true" } else { nil }
                }
                let done = try await session.armed(
                    fault, on: host, via: executor, revert: ["sh", "-c", commands.joined(separator: "; ")]
                ) { try await driver.apply(fault, in: target, moment: moment) }
                self.applied.withLock { $0[fault.name, default: [:]][host.description] = done }
                return HostFault(host: host.description, pids: [], effect: done.effect)
            }
        }
        return try await session.settle(
            fault, outcomes, of: hosts.count, ssh, hosts: hosts,
            applied: { hit in
                AppliedFault(
                    spec: fault, plan: plan(fault, in: target), pids: [], commands: [],
                    effect: "\(fault.action.kind) on \(hit.count) of \(hosts.count) host(s)")
            }, revert: { applied throws(FaultError) in try await revert(applied, in: target) })
    }

    public func revert(_ applied: AppliedFault, in target: Target) async throws(FaultError) -> String {
        let fault = applied.spec
        session.stopHeartbeats(fault)
        let (hosts, ssh) = try chosenHosts(fault, target)
        let done = self.applied.withLock { $0.removeValue(forKey: fault.name) ?? [:] }
        let hit = hosts.filter { done[$0.description] != nil }
        let outcomes = await session.eachHost(hit) { [self] host in
            await SSHHostSession.onHost(host) {
                let said = try await driver(host, ssh).revert(done[host.description]!, in: target)
                return HostFault(host: host.description, pids: [], effect: said)
            }
        }
        await session.disarm(fault, on: hit, ssh)
        let failures = outcomes.compactMap { outcome -> String? in
            if case .failure(let error) = outcome { error.message } else { nil }
        }
        guard failures.isEmpty else {
            throw FaultError(
                "\(failures.count) of \(hit.count) host(s) not reverted: \(failures.joined(separator: "; ")); "
                    + "run 'gameday recover'")
        }
        return outcomes.compactMap { try? $0.get() }.map { "\($0.host): \($0.effect)" }.joined(separator: "; ")
    }

    // MARK: - Parts

    private func chosenHosts(_ fault: FaultSpec, _ target: Target) throws(FaultError) -> ([HostTarget], SSHTarget) {
        guard let all = CompositeFaultDriver.sshHosts(of: fault, in: target) else {
            throw FaultError("\(fault.unit) names no SSH hosts for fault \(fault.name)")
        }
        return (try session.chosen(fault, among: all), target.unit(named: fault.unit)?.ssh ?? SSHTarget())
    }

    /// The host's network driver, running its commands over SSH and protecting the SSH port.
    private func driver(_ host: HostTarget, _ ssh: SSHTarget) throws(FaultError) -> NetworkFaultDriver {
        let executor = try session.executor(host, ssh)
        return drivers.withLock { drivers in
            if let driver = drivers[host.description] { return driver }
            let port = UInt16(clamping: host.port ?? ssh.port)
            let driver = NetworkFaultDriver(
                runId: session.runId, executor: executor,
                protecting: [ProtectedEndpoint(label: "the SSH connection to \(host)", port: port)])
            drivers[host.description] = driver
            return driver
        }
    }
}
