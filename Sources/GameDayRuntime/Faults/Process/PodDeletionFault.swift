import GameDayCore

/// Kill pods the way a node or a runtime crash would end them: delete them with a one-second
/// grace period, so the kubelet stops every container from outside (SIGTERM, then SIGKILL), PID 1
/// included; their controller (Deployment, StatefulSet) creates replacements.
public struct PodDeletionFault: Sendable, Hashable {
    public let plan: KubectlPlan
    /// The service's pods, as the selector finds them.
    public let selector: LabelSelector
    /// The pods to delete, with the uid each had (a StatefulSet's replacement keeps the name).
    public let victims: [PodSummary]
    /// How many pods served before the fault: the revert waits until as many serve again.
    public let servingBefore: Int

    public init(plan: KubectlPlan, selector: LabelSelector, victims: [PodSummary], servingBefore: Int) {
        self.plan = plan
        self.selector = selector
        self.victims = victims
        self.servingBefore = servingBefore
    }

    /// Delete each victim; proof: each is gone or terminating or has another uid; revert: wait
    /// until `servingBefore` pods serve again, none of them a victim.
    public func steps() throws(KubernetesError) -> PodFaultSteps {
        let names = try victims.map { pod throws(KubernetesError) in try PodName(pod.name) }
        return PodFaultSteps(
            apply: names.map { plan.deletePod($0) },
            proof: names.map(plan.getPod),
            proofDescription: "every deleted pod is gone, terminating, or replaced (another uid)",
            revert: [
                .awaitServing(
                    plan.listPods(selector, runningOnly: false), count: servingBefore,
                    excludingUIDs: Set(victims.map(\.uid)))
            ])
    }

    /// Whether `get pod NAME -o json` (its output) shows the victim with `uid` gone.
    public static func isGone(uid: String, getPodOutput output: CommandOutput) -> Bool {
        if KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) == .podNotFound { return true }
        guard output.exitCode == 0, let pod = try? PodStatusReport.parse(output.stdout).pods.first else {
            return false
        }
        return pod.uid != uid || pod.isTerminating
    }
}
