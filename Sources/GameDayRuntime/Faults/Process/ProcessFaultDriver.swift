import Foundation
import GameDayCore

/// Prepares process faults on this host: finds the service's process, and applies the fault by
/// signalling it with `kill` and proving the signal took effect. The revert (the service's restart
/// command, or SIGCONT after a pause) is the prepared recipe, run through the ledger.
public struct ProcessFaultDriver: FaultDriver {
    public let executor: any CommandExecutor
    public let processes: ProcessTable
    /// How long a signalled process may take to die (or stop) before the injection counts as failed.
    public var effectTimeout: Duration = .seconds(3)

    public init(executor: any CommandExecutor = LocalExecutor(), processes: ProcessTable = ProcessTable()) {
        self.executor = executor
        self.processes = processes
    }

    public func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        let service = target.unit(named: fault.unit)?.service(named: fault.service)
        guard case let (signal, restart)? = fault.action.signalled else {
            return FaultPlan(
                name: fault.name, kind: fault.action.kind, unit: fault.unit, service: fault.service,
                executor: executor.name, locate: "-", apply: [], revert: [], proof: "not a process fault")
        }
        return FaultPlan(
            name: fault.name, kind: fault.action.kind, unit: fault.unit, service: fault.service,
            executor: executor.name,
            locate: service?.process.map(ProcessTable.describe) ?? "no process locator",
            apply: [Self.killCommand(signal: signal, pids: ["<pid>"])],
            revert: fault.action == .pauseProcess
                ? [Self.killCommand(signal: SignalName("CONT")!, pids: ["<pid>"])]
                : (restart ? service?.restart.map { [$0] } ?? [] : []),
            proof: fault.action == .pauseProcess ? "the process is stopped (state T)" : "the process is gone")
    }

    public func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String {
        try await ready(fault, in: target).found
    }

    public func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        try await ready(fault, in: target)
    }

    /// Finds the processes, checks the guards and the restart command, and writes the revert: a
    /// SIGCONT to exactly these processes after a pause, the restart command (unless the service
    /// runs again by then) and its health check after a kill.
    func ready(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> ReadyFault {
        guard case let (signal, restart)? = fault.action.signalled else { throw Self.notMine(fault) }
        let service = target.unit(named: fault.unit)?.service(named: fault.service)
        let locator = try locator(fault, target)
        let pids = try processes.find(locator)
        try refuseIfRunnerChannel(pids, fault: fault, target: target)
        let stop = fault.action == .pauseProcess
        var steps: [RevertRecipe.Step] = []
        if stop {
            steps = [.signal(name: "CONT", pids: pids)]
        } else if restart, let command = service?.restart {
            try Self.refuseUnlessExecutable(command, fault: fault)
            steps = [.restartUnlessRunning(argv: command, locator: locator, health: HealthWait(service))]
        }
        let plan = plan(fault, in: target)
        return ReadyFault(
            spec: fault, plan: plan,
            found: "found process \(pids.map(String.init).joined(separator: ", ")) for \(fault.unit)/\(fault.service)",
            recipe: RevertRecipe(executor: executor.name, steps: steps)
        ) { [self] moment async throws(FaultError) in
            try await send(signal, to: pids, moment: moment, fault: fault, plan: plan)
        }
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
    ///
    /// Only the fault's own processes are looked at: their names, and whether a socket they hold
    /// listens on a channel's port. (Scanning every process's descriptors cost a run more CPU than
    /// all the rest of it on a host with a few thousand sockets.)
    func refuseIfRunnerChannel(_ pids: [Int32], fault: FaultSpec, target: Target) throws(FaultError) {
        func refuse(_ hit: Int32, _ label: String) -> FaultError {
            FaultError(
                "fault \(fault.name) would hit process \(hit), which is \(label): the runner would cut itself off; "
                    + "drill that failure from another host")
        }
        // OpenSSH 9.8 moved sessions into `sshd-session` (and 10.0 authentication into `sshd-auth`).
        let sshd: Set<String> = ["sshd", "sshd-session", "sshd-auth"]
        if let hit = pids.first(where: { processes.name(of: $0).map(sshd.contains) ?? false }) {
            throw refuse(hit, "the SSH daemon")
        }
        let channels = RunnerChannel.of(target).filter(\.isThisHost)
        let sockets = channels.isEmpty ? [] : pids.map { (pid: $0, inodes: processes.socketInodes(of: $0)) }
        guard sockets.contains(where: { !$0.inodes.isEmpty }) else { return }
        let listening = processes.listeningSockets()
        for channel in channels {
            let inodes = Set(listening.lazy.filter { $0.port == channel.port }.map(\.inode))
            if let hit = sockets.first(where: { !$0.inodes.isDisjoint(with: inodes) }) {
                throw refuse(hit.pid, channel.label)
            }
        }
    }

    /// A regular file with an execute bit this process may use (for root too: FileManager says yes
    /// to root for any file).
    static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    /// Sends `signal` to the prepared processes (the fault's moment) and waits until they are gone
    /// (or stopped).
    private func send(
        _ signal: SignalName, to pids: [Int32], moment: FaultMoment, fault: FaultSpec, plan: FaultPlan
    ) async throws(FaultError) -> AppliedFault {
        let command = Self.killCommand(signal: signal, pids: pids.map(String.init))
        let output: CommandOutput
        do {
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
        let pending = await processes.waitUntil(within: effectTimeout, pids) { pid in
            stop ? processes.state(of: pid) == "T" : !processes.isAlive(pid)
        }
        guard pending.isEmpty else {
            throw FaultError(
                "process \(pending.map(String.init).joined(separator: ", ")) still \(stop ? "running" : "alive") \(DurationText.format(effectTimeout)) after \(signal)"
            )
        }
        let effect =
            "\(signal) sent to \(pids.map(String.init).joined(separator: ", ")); " + (stop ? "stopped" : "gone")
        return AppliedFault(spec: fault, plan: plan, pids: pids, commands: [command], effect: effect)
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
