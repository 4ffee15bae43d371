import GameDayCore

/// Reading what the commands of a `PodProcessFault` printed. Each takes the output of the
/// command's whole kubectl argv run on this host, so kubectl's own failures are told apart here.
extension PodProcessFault {
    /// The pids `pidof` printed (from `locate()`), refusing none and PID 1 (whose SIGKILL and
    /// SIGSTOP the kernel would drop).
    public func pids(fromPidof output: CommandOutput) throws(KubernetesError) -> [Int32] {
        if let failure = KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) {
            throw .kubectl(failure, subject: "\(pod)/\(toolsContainer)", detail: output.lastLine)
        }
        guard output.exitCode == 0 || output.exitCode == 1 else {
            throw .commandFailed(
                argv: ["pidof", process.value], exitCode: output.exitCode,
                output: KubectlFailure.commandStderr(output.stderr).split(whereSeparator: \.isNewline).last.map(
                    String.init) ?? "")
        }
        let pids = output.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        guard !pids.isEmpty else {
            throw .noSuchProcess(pod: pod.value, container: container.value, process: process.value)
        }
        guard !pids.contains(1) else {
            throw .protectedInit(pod: pod.value, container: container.value, process: process.value)
        }
        return pids.sorted()
    }

    /// Whether a pause took: the `readState` output of a pid shows state `T` (stopped).
    public static func isStopped(stat output: CommandOutput) -> Bool {
        output.exitCode == 0 && ProcessTable.state(fromStat: output.stdout) == "T"
    }

    /// Whether a kill took, from the `kill` plan's proof outputs: `get pod` (the container's
    /// restart count above `restartsBefore`) and `pidof` (none of `pids` left, or the container
    /// is restarting).
    public func killTookEffect(
        pids: [Int32], restartsBefore: Int, pod podOutput: CommandOutput, pidof pidofOutput: CommandOutput
    ) -> Bool {
        if podOutput.exitCode == 0, let pod = try? PodStatusReport.parse(podOutput.stdout).pods.first,
            let restarts = pod.restartCounts[container.value], restarts > restartsBefore
        {
            return true
        }
        switch KubectlFailure.classify(exitCode: pidofOutput.exitCode, stderr: pidofOutput.stderr) {
        // Not running (a real kubelet says "container not found" for one that is restarting; the
        // name itself was good, pidof ran there before the kill).
        case .containerNotRunning?, .containerNotFound?: return true
        case .some: return false
        case nil: break
        }
        guard pidofOutput.exitCode == 0 || pidofOutput.exitCode == 1 else { return false }
        let left = Set(pidofOutput.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) })
        return left.isDisjoint(with: pids)
    }

}
