import Foundation
import GameDayCore
import Synchronization

/// Network faults (port blocks, latency, bandwidth) on every chosen SSH host of a unit or service,
/// at once: on each host, the local network driver's commands run over SSH, a block never covers
/// the SSH port the runner came through, and a dead-man's switch armed before the fault runs the
/// host's revert commands by itself if the runner's heartbeats stop. `hosts:` and `on_partial`
/// work as for process faults (`SSHHostSession`).
///
/// A latency fault's nfqueue delayer runs on the host (the unit's `ssh.gameday`), started over SSH
/// after the switch is armed; it watches that switch's heartbeat file and the drill's deadline, and
/// the switch's revert ends it too.
public final class SSHNetworkFaultDriver: FaultDriver, Sendable {
    public let session: SSHHostSession
    /// The drill's deadline (Unix seconds), which delayers on the hosts watch too; nil for a plan,
    /// where the nfqueue backend is shown but cannot be prepared.
    public let deadline: Double?
    /// One network driver per host for the run: it numbers the firewall tables of the run's faults
    /// there, so that two faults on one host never share (and never remove) each other's table.
    private let drivers = Mutex<[String: NetworkFaultDriver]>([:])

    public init(session: SSHHostSession, deadline: Double? = nil) {
        self.session = session
        self.deadline = deadline
    }

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        let all = CompositeFaultDriver.sshHosts(of: fault, in: target) ?? []
        let chosen = (try? session.chosen(fault, among: all)) ?? all
        let ssh = target.unit(named: fault.unit)?.ssh ?? SSHTarget()
        // The delayer's command line names its host's switch: shown for the first host.
        let shown = chosen.first
        var plan = NetworkFaultDriver(
            runId: session.runId, executor: nil, protecting: [],
            delayers: { [session, deadline] fault in
                shown.flatMap { Self.delayerLaunch(fault, on: $0, ssh, session: session, deadline: deadline ?? 0) }
            }
        ).plan(fault, in: target)
        if plan.apply.contains(where: { $0.first == "setsid" }) {
            if deadline == nil { plan.apply = plan.apply.map(Self.deadlineUnknown) }
            if let shown, chosen.count > 1 {
                plan.proof += " (the delayer's command is shown for \(shown); each host's watches its own switch)"
            }
        }
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

    /// Prepares the fault on every chosen host (as the local network driver does there, over SSH);
    /// the revert is each host's recipe, then its switch disarmed.
    public func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        let (hosts, ssh) = try chosenHosts(fault, target)
        var prepared: [(host: HostTarget, fault: ReadyFault)] = []
        var steps: [RevertRecipe.Step] = []
        for host in hosts {
            let ready = try await driver(host, ssh).ready(fault, in: target)
            let disarm = try session.deadMansSwitch(fault, host).disarmCommand
            prepared.append((host, ready))
            steps.append(
                .onHost(
                    RecipeHost(target: target.file, unit: fault.unit, host: host),
                    steps: ready.recipe.steps + [.command(argv: disarm, okExitCodes: [])]))
        }
        let plan = plan(fault, in: target)
        let ready = prepared
        return ReadyFault(
            spec: fault, plan: plan,
            found: ready.map { "\($0.host): \($0.fault.found)" }.joined(separator: "; "),
            recipe: RevertRecipe(executor: "ssh", steps: steps)
        ) { [self] moment async throws(FaultError) in
            try await apply(ready, fault, plan: plan, ssh: ssh, moment: moment)
        }
    }

    private func apply(
        _ prepared: [(host: HostTarget, fault: ReadyFault)], _ fault: FaultSpec, plan: FaultPlan, ssh: SSHTarget,
        moment: FaultMoment
    ) async throws(FaultError) -> AppliedFault {
        let hosts = prepared.map(\.host)
        // Heartbeats from the first switch armed: a slow host must not let an early one fire.
        session.startHeartbeats(fault, hosts, ssh)
        let byHost = Dictionary(uniqueKeysWithValues: prepared.map { ($0.host.description, $0.fault) })
        let outcomes = await session.eachHost(hosts) { [self] host in
            await SSHHostSession.onHost(host) {
                guard let ready = byHost[host.description] else { throw FaultError("not prepared on \(host)") }
                let executor = try session.executor(host, ssh)
                // The switch runs the same idempotent commands the ledger holds, none stopping the others.
                let commands = ready.recipe.steps.flatMap(\.idempotentCommands).map {
                    RemoteShell.commandLine($0) + " || true"
                }
                let done = try await session.armed(
                    fault, on: host, via: executor, revert: ["sh", "-c", commands.joined(separator: "; ")]
                ) { try await ready.apply(moment) }
                return HostFault(host: host.description, pids: [], effect: done.effect)
            }
        }
        return try session.settle(fault, outcomes, of: hosts.count, ssh, hosts: hosts) { hit in
            AppliedFault(
                spec: fault, plan: plan, pids: [], commands: [],
                effect: "\(fault.action.kind) on \(hit.count) of \(hosts.count) host(s)")
        }
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
                protecting: [ProtectedEndpoint(label: "the SSH connection to \(host)", port: port)],
                // The session and the deadline, not self: self holds this driver.
                delayers: { [session, deadline] fault in
                    deadline.flatMap { Self.delayerLaunch(fault, on: host, ssh, session: session, deadline: $0) }
                })
            drivers[host.description] = driver
            return driver
        }
    }

    /// How `fault`'s delayer starts on `host`: the unit's gameday there, its lifeline the fault's
    /// switch on that host (no runner pid there), its log beside the switch's heartbeat.
    static func delayerLaunch(
        _ fault: FaultSpec, on host: HostTarget, _ ssh: SSHTarget, session: SSHHostSession, deadline: Double
    ) -> DelayerLaunch? {
        guard let dms = try? session.deadMansSwitch(fault, host) else { return nil }
        return .onRemoteHost(
            executable: ssh.gameday, switchHeartbeat: dms.heartbeat, timeout: dms.timeout, deadline: deadline)
    }

    /// A plan's delayer, before the run gives it a deadline.
    private static func deadlineUnknown(_ argv: [String]) -> [String] {
        guard let at = argv.firstIndex(of: "--deadline"), at + 1 < argv.count else { return argv }
        var argv = argv
        argv[at + 1] = "<the run's start + the drill's maximum duration>"
        return argv
    }
}
