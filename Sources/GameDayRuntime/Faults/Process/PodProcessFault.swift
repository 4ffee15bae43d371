import GameDayCore

/// A signal a pod fault sends with `kill -s`.
public enum PodSignal: String, Sendable, Hashable, Codable, CaseIterable {
    case kill = "KILL"
    case term = "TERM"
    case stop = "STOP"
    case cont = "CONT"
}

/// Kill or pause one process in a pod's container by signalling it from inside the pod, and the
/// proof and revert of each.
///
/// **PID 1.** The kernel drops SIGKILL and SIGSTOP sent to a PID namespace's init (PID 1) from
/// inside that namespace (`pid_namespaces(7)`), and any other signal it has no handler for:
/// `kill` even returns 0. Both `kubectl exec` and a debug container started with `--target`
/// join the container's PID namespace, so neither can kill or stop an app that is PID 1. This
/// plan therefore finds the pids with `pidof` and refuses PID 1 (`KubernetesError.protectedInit`);
/// such apps are killed with `KubectlPlan.deletePod` instead (the kubelet signals from outside).
/// The app is not PID 1 when it runs under an init (tini, dumb-init) or when the pod sets
/// `shareProcessNamespace: true` (the pause process is PID 1 then).
///
/// **Tools.** `pidof`, `kill` and `cat` run in `toolsContainer`: the app container itself when its
/// image has them, or an ephemeral debug container (busybox) started with `--target` on it,
/// which sees the same processes.
public struct PodProcessFault: Sendable, Hashable {
    public let plan: KubectlPlan
    public let pod: PodName
    /// The container whose process is hit.
    public let container: ContainerName
    public let process: PodProcessName
    /// Where `pidof`, `kill` and `cat` run: `container`, or a debug container targeting it.
    public let toolsContainer: ContainerName

    public init(
        plan: KubectlPlan, pod: PodName, container: ContainerName, process: PodProcessName,
        toolsContainer: ContainerName? = nil
    ) {
        self.plan = plan
        self.pod = pod
        self.container = container
        self.process = process
        self.toolsContainer = toolsContainer ?? container
    }

    // MARK: - Commands

    /// `kubectl … exec POD --container=TOOLS -- pidof NAME`: the pids, space-separated; exit 1 when none.
    public func locate() -> [String] {
        plan.exec(pod, container: toolsContainer, ["pidof", process.value])
    }

    /// `kubectl … exec POD --container=TOOLS -- kill -s SIGNAL PID…`
    public func signal(_ signal: PodSignal, pids: [Int32]) -> [String] {
        plan.exec(pod, container: toolsContainer, ["kill", "-s", signal.rawValue] + pids.map(String.init))
    }

    /// `kubectl … exec POD --container=TOOLS -- cat /proc/PID/stat`: the state letter is the proof of a pause.
    public func readState(pid: Int32) -> [String] {
        plan.exec(pod, container: toolsContainer, ["cat", "/proc/\(pid)/stat"])
    }

    /// The executor that runs the commands above (without their kubectl prefix).
    public func executor(base: any CommandExecutor = LocalExecutor()) -> KubectlExecutor {
        KubectlExecutor(plan: plan, pod: pod, container: toolsContainer, base: base)
    }

    /// An ephemeral tools container for images without `pidof`, `kill` or `cat` (distroless):
    /// `gameday-tools-RUN` from `image` (busybox), targeting `container` so it sees its processes,
    /// living `lifetime`. Pass its name as `toolsContainer`.
    public static func startTools(
        plan: KubectlPlan, pod: PodName, container: ContainerName, image: ContainerImage, run: String,
        lifetime: Duration = .seconds(3600)
    ) throws(KubernetesError) -> (start: [String], name: ContainerName) {
        let name = try PodNetworkFault.debugContainerName(run: run, purpose: "tools")
        let start = plan.debug(
            pod, target: container, name: name, image: image, profile: .general,
            ["sleep", String(KubectlPlan.seconds(lifetime))])
        return (start, name)
    }

    // MARK: - Plans

    /// SIGSTOP; proof: every pid is in state `T`; revert (and recover): SIGCONT, done when the
    /// process or the pod is gone already (it cannot stay stopped then). The tools container
    /// being gone counts too: the revert only runs after `kill -s STOP` ran there, so it existed;
    /// it ended either by its switch (which sent SIGCONT) or with the app's PID namespace (the
    /// process is gone). A real kubelet answers an exec into an ended or restarting container with
    /// "container not found", hence `containerNotFound` beside `containerNotRunning`.
    public func pause(pids: [Int32]) -> PodFaultSteps {
        PodFaultSteps(
            apply: [signal(.stop, pids: pids)],
            proof: pids.map(readState),
            proofDescription: "every process \(process) is stopped (state T in /proc/PID/stat)",
            revert: [
                .command(
                    signal(.cont, pids: pids), alreadyDone: ["No such process"],
                    doneWhen: [.podNotFound, .containerNotRunning, .containerNotFound])
            ])
    }

    /// SIGKILL; proof (`killTookEffect`): the container's restart count went up, or `pidof` no
    /// longer lists the pids (a restarted container's fresh PID namespace may hand out the same
    /// pids again, so the count is read first); revert: nothing to undo, wait until the kubelet
    /// has restarted the container and the pod is Ready.
    public func kill(pids: [Int32], readyTimeout: Duration = .seconds(120)) -> PodFaultSteps {
        PodFaultSteps(
            apply: [signal(.kill, pids: pids)],
            proof: [plan.getPod(pod), locate()],
            proofDescription: "container \(container) restarted, or pidof \(process) no longer lists "
                + pids.map(String.init).joined(separator: " "),
            revert: [.command(plan.waitReady(pod, timeout: readyTimeout), alreadyDone: [], doneWhen: [.podNotFound])])
    }
}
