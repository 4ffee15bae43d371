import Foundation
import GameDayCore

/// Applies process faults on this host: finds the service's process, signals it
/// with `kill`, proves the signal took effect, and reverts by the service's restart command.
public struct ProcessFaultDriver: FaultDriver {
    public let executor: any CommandExecutor
    public let processes: ProcessTable
    /// How long a signalled process may take to die (or stop) before the injection counts as failed.
    public var effectTimeout: Duration = .seconds(3)
    /// How long a restart command may run.
    public var restartTimeout: Duration = .seconds(60)

    /// For the health checks of restarted services.
    public let transport: any HTTPTransport

    public init(
        executor: any CommandExecutor = LocalExecutor(), processes: ProcessTable = ProcessTable(),
        transport: any HTTPTransport = CurlHTTPClient()
    ) {
        self.executor = executor
        self.processes = processes
        self.transport = transport
    }

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        let service = target.unit(named: fault.unit)?.service(named: fault.service)
        guard case .killProcess(let signal, let restart) = fault.action else {
            return FaultPlan(
                name: fault.name, kind: fault.action.kind, unit: fault.unit, service: fault.service,
                executor: executor.name, locate: "-", apply: [], revert: [], proof: "not a process fault")
        }
        return FaultPlan(
            name: fault.name, kind: fault.action.kind, unit: fault.unit, service: fault.service,
            executor: executor.name,
            locate: service?.process.map(ProcessTable.describe) ?? "no process locator",
            apply: [Self.killCommand(signal: signal, pids: ["<pid>"])],
            revert: signal.number == SIGSTOP
                ? [Self.killCommand(signal: SignalName("CONT")!, pids: ["<pid>"])]
                : (restart ? service?.restart.map { [$0] } ?? [] : []),
            proof: signal.number == SIGSTOP ? "the process is stopped (state T)" : "the process is gone")
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        let pids = try processes.find(try locator(fault, target))
        try refuseIfRunnerChannel(pids, fault: fault, target: target)
        if case .killProcess(let signal, true) = fault.action, signal.number != SIGSTOP,
            let command = target.unit(named: fault.unit)?.service(named: fault.service)?.restart
        {
            try Self.refuseUnlessExecutable(command, fault: fault)
        }
        return "found process \(pids.map(String.init).joined(separator: ", ")) for \(fault.unit)/\(fault.service)"
    }

    /// A restart command that cannot run would leave the service dead after the drill: found out
    /// here, before the kill. argv[0] with a slash is a file (the target's paths are already
    /// absolute); a bare name is looked up in PATH as the executor will.
    public static func refuseUnlessExecutable(
        _ command: [String], fault: FaultSpec, path: String? = ProcessInfo.processInfo.environment["PATH"]
    ) throws(FaultError) {
        guard let program = command.first else { return }
        let candidates =
            program.contains("/")
            ? [program] : (path ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/\(program)" }
        guard !candidates.contains(where: Self.isExecutableFile) else { return }
        let where_ =
            program.contains("/")
            ? "\(program) is not an executable file" : "no executable '\(program)' is in PATH"
        throw FaultError(
            "its restart command cannot run (\(where_)), so \(fault.unit)/\(fault.service) would stay down after the drill; "
                + "fix 'restart:' in the target (a relative path is read from the target file's folder)")
    }

    /// A process fault must not take down what the runner itself talks through: the control plane,
    /// the gateway its probes go through (when they run on this host), or the SSH daemon.
    func refuseIfRunnerChannel(_ pids: [Int32], fault: FaultSpec, target: Target) throws(FaultError) {
        var channels: [(String, [Int32])] = [
            // OpenSSH 9.8 moved sessions into `sshd-session` (and 10.0 authentication into `sshd-auth`).
            (
                "the SSH daemon",
                processes.pids().filter { pid in
                    processes.name(of: pid).map { ["sshd", "sshd-session", "sshd-auth"].contains($0) } ?? false
                }
            )
        ]
        for (label, url) in [
            ("the control plane", target.controlPlane.url), ("the gateway (the probe path)", target.gatewayURL),
        ] {
            guard let parsed = URL(string: url), let host = parsed.host, Self.isThisHost(host) else { continue }
            channels.append((label, processes.listeners(on: parsed.port ?? (parsed.scheme == "https" ? 443 : 80))))
        }
        for (label, channel) in channels {
            if let hit = pids.first(where: channel.contains) {
                throw FaultError(
                    "fault \(fault.name) would hit process \(hit), which is \(label): the runner would cut itself off; "
                        + "drill that failure from another host")
            }
        }
    }

    /// A regular file with an execute bit this process may use (for root too: FileManager says yes
    /// to root for any file).
    static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    static func isThisHost(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }

    public func recipe(for fault: FaultSpec, in target: Target) async throws(FaultError) -> RevertRecipe {
        guard case .killProcess(let signal, let restart) = fault.action else { throw Self.notMine(fault) }
        let locator = try locator(fault, target)
        if signal.number == SIGSTOP {
            return RevertRecipe(
                executor: executor.name, steps: [.signal(name: "CONT", pids: try processes.find(locator))])
        }
        guard restart, let command = target.unit(named: fault.unit)?.service(named: fault.service)?.restart else {
            return RevertRecipe(executor: executor.name, steps: [])
        }
        let service = target.unit(named: fault.unit)?.service(named: fault.service)
        return RevertRecipe(
            executor: executor.name,
            steps: [.restartUnlessRunning(argv: command, locator: locator, health: HealthWait(service))])
    }

    public func apply(_ fault: FaultSpec, in target: Target, moment: FaultMoment) async throws(FaultError)
        -> AppliedFault
    {
        guard case .killProcess(let signal, _) = fault.action else { throw Self.notMine(fault) }
        let pids = try processes.find(try locator(fault, target))
        try refuseIfRunnerChannel(pids, fault: fault, target: target)
        let command = Self.killCommand(signal: signal, pids: pids.map(String.init))
        let output: CommandOutput
        do {
            // The effecting action: everything above is preparation, outside the fault's moment.
            output = try await moment.effect { () async throws(CommandError) in
                try await executor.run(command, timeout: .seconds(10))
            }
        } catch {
            throw FaultError("\(command.joined(separator: " ")) could not run: \(error.message)")
        }
        guard output.exitCode == 0 else {
            throw FaultError(
                "\(command.joined(separator: " ")) failed (exit \(output.exitCode)): \(output.lastLine)")
        }
        let stop = signal.number == SIGSTOP
        let deadline = ContinuousClock.now + effectTimeout
        var pending = pids
        while !pending.isEmpty, ContinuousClock.now < deadline {
            pending = pending.filter { stop ? processes.state(of: $0) != "T" : processes.isAlive($0) }
            if !pending.isEmpty { try? await Task.sleep(for: .milliseconds(5)) }
        }
        guard pending.isEmpty else {
            throw FaultError(
                "process \(pending.map(String.init).joined(separator: ", ")) still \(stop ? "running" : "alive") \(DurationText.format(effectTimeout)) after \(signal)"
            )
        }
        let effect =
            "\(signal) sent to \(pids.map(String.init).joined(separator: ", ")); " + (stop ? "stopped" : "gone")
        return AppliedFault(
            spec: fault, plan: plan(fault, in: target), pids: pids, commands: [command], effect: effect)
    }

    public func revert(_ applied: AppliedFault, in target: Target) async throws(FaultError) -> String {
        guard case .killProcess(let signal, let restart) = applied.spec.action else { throw Self.notMine(applied.spec) }
        if signal.number == SIGSTOP {
            let command = Self.killCommand(signal: SignalName("CONT")!, pids: applied.pids.map(String.init))
            _ = try? await executor.run(command, timeout: .seconds(10))
            // Proven like the apply: every process that still exists has left the stopped state.
            let deadline = ContinuousClock.now + effectTimeout
            var stopped = applied.pids
            while !stopped.isEmpty, ContinuousClock.now < deadline {
                stopped = stopped.filter { processes.state(of: $0) == "T" }
                if !stopped.isEmpty { try? await Task.sleep(for: .milliseconds(5)) }
            }
            guard stopped.isEmpty else {
                throw FaultError(
                    "process \(stopped.map(String.init).joined(separator: ", ")) is still stopped after SIGCONT")
            }
            return "SIGCONT sent to \(applied.pids.map(String.init).joined(separator: ", "))"
        }
        guard restart, let command = applied.plan.revert.first else { return "no restart asked for" }
        let output: CommandOutput
        do {
            output = try await executor.run(command, timeout: restartTimeout)
        } catch {
            throw FaultError("the restart command could not run: \(error.message)")
        }
        guard output.exitCode == 0, !output.timedOut else {
            throw FaultError(
                "the restart command \(output.timedOut ? "timed out" : "failed with exit \(output.exitCode)"): \(output.lastLine); "
                    + "start \(applied.spec.unit)/\(applied.spec.service) by hand with: \(command.joined(separator: " "))"
            )
        }
        let pids = try processes.find(try locator(applied.spec, target))
        let restarted = "restarted as process \(pids.map(String.init).joined(separator: ", "))"
        guard let health = HealthWait(target.unit(named: applied.spec.unit)?.service(named: applied.spec.service))
        else {
            return restarted
        }
        do {
            return "\(restarted), \(try await ServiceHealth.wait(health, transport: transport))"
        } catch {
            throw FaultError("\(restarted), but \(error.message)")
        }
    }

    private func locator(_ fault: FaultSpec, _ target: Target) throws(FaultError) -> ProcessLocator {
        guard let service = target.unit(named: fault.unit)?.service(named: fault.service) else {
            throw FaultError("the target has no service \(fault.service) in unit \(fault.unit)")
        }
        guard let locator = service.process else {
            throw FaultError(
                "the target does not say how to find the process of \(fault.unit)/\(fault.service) (process:)")
        }
        return locator
    }

    static func notMine(_ fault: FaultSpec) -> FaultError {
        FaultError("fault \(fault.name) is a \(fault.action.kind) fault, not a process fault")
    }

    /// `kill -s KILL 1234`: the signal by name, validated pids only.
    public static func killCommand(signal: SignalName, pids: [String]) -> [String] {
        ["kill", "-s", signal.name] + pids
    }
}
