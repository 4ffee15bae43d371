import GameDayCore

/// The ephemeral tools container of one run in one pod (`gameday-tools-RUN`, from the target's
/// `tools_image`): it shares the app container's processes (`--target`), so `pidof`, `kill` and
/// `cat` run there for images that lack them; and it is the pod's **dead-man's switch**: its main
/// process sleeps `lifetime`, then sends SIGCONT to every process of the fault's name, so a pause
/// ends even when the runner, its host and the watchdog are all gone. The runner's revert disarms it
/// (SIGTERM ends the sleep without the SIGCONT), and the container ends; ephemeral containers cannot
/// be removed, so the pod keeps the exited container until it is replaced.
public struct PodToolsContainer: Sendable, Hashable {
    public let plan: KubectlPlan
    public let pod: PodName
    /// The app container it targets.
    public let target: ContainerName
    public let name: ContainerName
    public let run: String

    public init(plan: KubectlPlan, pod: PodName, target: ContainerName, run: String) throws(KubernetesError) {
        self.plan = plan
        self.pod = pod
        self.target = target
        self.run = run
        name = try PodNetworkFault.debugContainerName(run: run, purpose: "tools")
    }

    /// `$0` of the switch's shell: what `disarm` finds it by.
    public var switchName: String { "gameday-switch-\(run)" }

    /// Adds the container: `sh -c SWITCH gameday-switch-RUN SECONDS PROCESS`.
    public func start(image: ContainerImage, lifetime: Duration, process: PodProcessName) -> [String] {
        plan.debug(
            pod, target: target, name: name, image: image, profile: .general,
            ["sh", "-c", Self.switchScript, switchName, String(KubectlPlan.seconds(lifetime)), process.value])
    }

    /// Ends the switch without its SIGCONT: the runner reverted the fault itself.
    public var disarm: [String] { plan.exec(pod, container: name, ["pkill", "-TERM", "-f", switchName]) }

    /// A constant: the lifetime and the process name arrive as `$1` and `$2`, never spliced into
    /// the text. SIGTERM kills the sleep and exits quietly; the sleep's end sends the SIGCONT.
    static let switchScript =
        #"trap 'kill "$s" 2>/dev/null; exit 0' TERM; sleep "$1" & s=$!; wait "$s"; kill -s CONT $(pidof "$2") 2>/dev/null; exit 0"#

    /// The names of the container's own processes, which `pidof` in the pod also finds.
    public static let ownNames = ["sh", "sleep"]
}

extension PodRevertStep {
    /// The step as the ledger records it (`RevertRecipe.Step`): waits last at most `timeout` seconds.
    public func recipeStep(timeout: Int = 150) -> RevertRecipe.Step {
        switch self {
        case .command(let argv, let alreadyDone, let doneWhen):
            return .kubectl(argv: argv, alreadyDone: alreadyDone, doneWhen: doneWhen.map(\.rawValue).sorted())
        case .awaitServing(let argv, let count, let excludingUIDs):
            return .awaitPods(argv: argv, count: count, excludingUIDs: excludingUIDs.sorted(), timeoutSeconds: timeout)
        }
    }
}

extension PodToolsContainer {
    /// Disarms the switch (it would send a late SIGCONT); done when the container or pod is gone.
    var disarmStep: RevertRecipe.Step {
        .kubectl(
            argv: disarm, alreadyDone: [],
            doneWhen: [KubectlFailure.podNotFound, .containerNotRunning, .containerNotFound].map(\.rawValue).sorted())
    }
}
