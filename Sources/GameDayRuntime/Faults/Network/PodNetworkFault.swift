/// Network faults inside a pod: the nft and tc commands of the existing network faults, run in an
/// ephemeral debug container that shares the pod's network namespace and has NET_ADMIN
/// (`kubectl debug --profile=netadmin`). Only when a debug image is configured: application
/// images rarely carry nft or tc, and the cluster's policy must allow ephemeral containers
/// with NET_ADMIN.
///
/// The debug container runs `sleep LIFETIME` (or a dead-man's switch) and ends by itself; ephemeral containers cannot be
/// removed, so the pod keeps the exited container until it is replaced. The nft table lives in
/// the pod's network namespace, not in the debug container: it outlives the container, and is
/// deleted through a new debug container when the first one has ended (`recover`).
public struct PodNetworkFault: Sendable, Hashable {
    public let plan: KubectlPlan
    public let pod: PodName
    /// The app container the debug container targets.
    public let target: ContainerName
    /// An image with `nft` and `tc` (`nicolaka/netshoot`, or your own); `nil`: network faults refused.
    public let debugImage: ContainerImage?
    /// How long the debug container lives: longer than the drill.
    public let lifetime: Duration

    public init(
        plan: KubectlPlan, pod: PodName, target: ContainerName, debugImage: ContainerImage?,
        lifetime: Duration = .seconds(3600)
    ) {
        self.plan = plan
        self.pod = pod
        self.target = target
        self.debugImage = debugImage
        self.lifetime = lifetime
    }

    /// `gameday-net-RUN`: the debug container of run `run` (a DNS-1123 label fragment).
    public static func debugContainerName(run: String, purpose: String = "net") throws(KubernetesError)
        -> ContainerName
    {
        try ContainerName("gameday-\(purpose)-\(run)")
    }

    /// The debug container for run `run`: the argv that adds it, and the executor that runs
    /// nft and tc in it. Refuses when no debug image is configured.
    ///
    /// With `switchTable`, the container is a dead-man's switch: when its lifetime ends it deletes
    /// that nft table (`nft delete table inet TABLE`), so a block outlives neither a runner killed
    /// with SIGKILL nor a `recover` that never came. It covers nft tables only, not tc qdiscs.
    public func debugContainer(
        run: String, purpose: String = "net", lifetime: Duration? = nil, switchTable: String? = nil
    ) throws(KubernetesError) -> (start: [String], executor: KubectlExecutor) {
        guard let debugImage else { throw .networkFaultsNotConfigured(pod: pod.value) }
        let name = try Self.debugContainerName(run: run, purpose: purpose)
        let seconds = String(KubectlPlan.seconds(lifetime ?? self.lifetime))
        let command =
            try switchTable.map { table throws(KubernetesError) in
                ["sh", "-c", Self.switchScript, "gameday-switch", seconds, try Self.checkedTable(table)]
            } ?? ["sleep", seconds]
        let start = plan.debug(pod, target: target, name: name, image: debugImage, profile: .netadmin, command)
        return (start, KubectlExecutor(plan: plan, pod: pod, container: name))
    }

    /// The dead-man's switch, a constant: the lifetime and the table arrive as its positional
    /// parameters `$1` and `$2` (after `$0`, `gameday-switch`), never spliced into the text, so
    /// no value is ever read by the shell as code. (The one place here where a shell runs: the
    /// sleep and the delete must happen in the pod, after kubectl has gone.)
    static let switchScript = #"sleep "$1"; nft delete table inet "$2" 2>/dev/null; exit 0"#

    /// An nft table name as gameday makes them: letters, digits and `_`.
    static func checkedTable(_ table: String) throws(KubernetesError) -> String {
        try Conservative.check(
            table, what: "nft table", extra: "_", maxLength: 64,
            expected: "letters, digits and '_', starting with a letter or digit")
    }

    /// Whether the debug container `name` runs, from `get pod POD -o json`: wait for it before exec.
    public static func isRunning(_ name: ContainerName, in report: PodStatusReport) -> Bool {
        report.pods.first?.runningEphemeralContainers.contains(name.value) ?? false
    }

    /// `gameday recover` for an nft table left in the pod: a fresh, short-lived debug container
    /// (`gameday-recN-RUN` for attempt N: the drill's own may have ended, and a name cannot be
    /// used twice in a pod), then `nft delete table inet TABLE`, where "No such file or
    /// directory" (no such table) and a pod that is gone both mean nothing is left.
    public func recoverTable(_ table: String, run: String, attempt: Int = 1) throws(KubernetesError) -> (
        start: [String], revert: PodRevertStep
    ) {
        let table = try Self.checkedTable(table)
        let debug = try debugContainer(run: run, purpose: "rec\(max(1, attempt))", lifetime: .seconds(120))
        return (
            debug.start,
            .command(
                debug.executor.commandLine(for: ["nft", "delete", "table", "inet", table]),
                alreadyDone: ["No such file or directory"],
                doneWhen: [.podNotFound])
        )
    }
}
