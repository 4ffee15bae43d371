import GameDayCore

/// Runs commands in one container of one pod through `kubectl exec`, so every fault written
/// against `CommandExecutor` (nft, tc, kill) can run inside a pod.
///
/// kubectl runs through `base` (this host by default), in a process group of its own, so a
/// timeout kills kubectl; like sshd, the API server may leave the command running in the pod,
/// so commands should be bounded themselves. kubectl's own failures (unreachable API server, no
/// such pod or container, forbidden) are thrown, naming the pod; the command's exit code is
/// returned as the command's, with kubectl's `command terminated…` line taken off stderr.
public struct KubectlExecutor: CommandExecutor {
    public let plan: KubectlPlan
    public let pod: PodName
    public let container: ContainerName
    /// Where kubectl itself runs.
    public let base: any CommandExecutor

    /// `k8s:CONTEXT/NAMESPACE/POD/CONTAINER`
    public var name: String { "k8s:\(plan.connection.contextName)/\(plan.namespace)/\(pod)/\(container)" }

    public init(plan: KubectlPlan, pod: PodName, container: ContainerName, base: any CommandExecutor = LocalExecutor())
    {
        self.plan = plan
        self.pod = pod
        self.container = container
        self.base = base
    }

    /// The exact local argv that runs `argv` in the container.
    public func commandLine(for argv: [String]) -> [String] {
        plan.exec(pod, container: container, argv)
    }

    public func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput {
        do {
            return try await execute(argv, timeout: timeout)
        } catch {
            switch error {
            case .commandDidNotRun(let error): throw error
            case .kubectl(let error): throw CommandError(argv: argv, message: error.description)
            }
        }
    }

    /// Like `run`, with kubectl's failure kept as a value (a revert treats `podNotFound` as done).
    public func execute(_ argv: [String], timeout: Duration) async throws(KubectlExecutorError) -> CommandOutput {
        guard !argv.isEmpty else { throw .commandDidNotRun(CommandError(argv: argv, message: "empty command")) }
        let output: CommandOutput
        do {
            output = try await base.run(commandLine(for: argv), timeout: timeout)
        } catch {
            throw .commandDidNotRun(error)
        }
        if !output.timedOut, let failure = KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) {
            throw .kubectl(.kubectl(failure, subject: name, detail: output.lastLine))
        }
        var result = output
        result.stderr = KubectlFailure.commandStderr(output.stderr)
        return result
    }
}

/// What `KubectlExecutor.execute` throws: kubectl could not be started, or kubectl failed.
public enum KubectlExecutorError: Error, Sendable, Hashable {
    case commandDidNotRun(CommandError)
    /// Always `KubernetesError.kubectl`.
    case kubectl(KubernetesError)

    /// kubectl's failure, when it ran and failed.
    public var failure: KubectlFailure? {
        if case .kubectl(.kubectl(let failure, _, _)) = self { return failure }
        return nil
    }
}
