/// The kubectl command lines of one namespace of one cluster, as argv: pure functions of validated
/// values, tested for exact equality.
///
/// Flags take the `--flag=value` form so that no value is ever a separate argument that kubectl's
/// parser could read as a flag; the command a pod runs follows `--`, after which kubectl parses nothing.
public struct KubectlPlan: Sendable, Hashable {
    public let connection: KubectlConnection
    public let namespace: KubernetesNamespace

    public init(connection: KubectlConnection, namespace: KubernetesNamespace) {
        self.connection = connection
        self.namespace = namespace
    }

    /// `kubectl [--kubeconfig=…] [--context=…] --namespace=NS`
    var prefix: [String] { connection.prefix + ["--namespace=\(namespace)"] }

    // MARK: - Finding pods

    /// The pods of a unit's service: `get pods --selector=… [--field-selector=status.phase=Running] --output=json`.
    public func listPods(_ selector: LabelSelector, runningOnly: Bool = true) -> [String] {
        prefix + ["get", "pods", "--selector=\(selector)"]
            + (runningOnly ? ["--field-selector=status.phase=Running"] : []) + ["--output=json"]
    }

    /// One pod, as JSON: `get pod POD --output=json`. Exits 1 with `NotFound` once it is gone.
    public func getPod(_ pod: PodName) -> [String] {
        prefix + ["get", "pod", pod.value, "--output=json"]
    }

    // MARK: - Running commands in a pod

    /// `exec POD --container=C -- ARGV…`: runs `argv` in the container, with no shell and no stdin.
    /// kubectl exits with the command's exit code and prints `command terminated with exit code N`.
    public func exec(_ pod: PodName, container: ContainerName, _ argv: [String]) -> [String] {
        prefix + ["exec", pod.value, "--container=\(container)", "--"] + argv
    }

    // MARK: - Killing a pod

    /// `delete pod POD --grace-period=1 --wait=false`: the kubelet sends SIGTERM and, one second
    /// later, SIGKILL from outside the container, which reaches PID 1 too. Not `--force`: a forced
    /// deletion removes the object before the kubelet has stopped the containers, so a StatefulSet
    /// could run two pods of the same identity; `--grace-period=0` needs `--force`.
    public func deletePod(_ pod: PodName, gracePeriodSeconds: Int = 1) -> [String] {
        prefix + ["delete", "pod", pod.value, "--grace-period=\(max(1, gracePeriodSeconds))", "--wait=false"]
    }

    /// `wait pod/POD --for=condition=Ready --timeout=Ns`: the container restarted after a kill.
    public func waitReady(_ pod: PodName, timeout: Duration) -> [String] {
        prefix + ["wait", "pod/\(pod)", "--for=condition=Ready", "--timeout=\(Self.seconds(timeout))s"]
    }

    // MARK: - Ephemeral debug containers

    /// `debug POD --image=IMG --target=C --container=NAME --profile=P --quiet -- ARGV…`: adds an
    /// ephemeral container that shares the target container's process namespace (and, as every
    /// container of a pod, its network namespace), not attached, running `argv`.
    ///
    /// Ephemeral containers cannot be removed from a pod: it keeps the (exited) container until
    /// the pod itself is replaced, so names must be unique per pod and the command must end by itself.
    public func debug(
        _ pod: PodName, target: ContainerName, name: ContainerName, image: ContainerImage, profile: DebugProfile,
        _ argv: [String]
    ) -> [String] {
        prefix + [
            "debug", pod.value, "--image=\(image)", "--target=\(target)", "--container=\(name)",
            "--profile=\(profile.rawValue)", "--quiet", "--",
        ] + argv
    }

    /// Whole seconds, rounded up, at least 1: kubectl's duration flags.
    static func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}

/// kubectl debug's security profiles (kubectl 1.27+; `netadmin` and `sysadmin` 1.28+).
public enum DebugProfile: String, Sendable, Hashable, Codable, CaseIterable {
    /// Adds NET_ADMIN and NET_RAW: what `nft` and `tc` need in the pod's network namespace.
    case netadmin
    /// Privileged: only if the cluster's policy forbids nothing less.
    case sysadmin
    /// The runtime's default capabilities (CAP_KILL among them) plus SYS_PTRACE: enough to signal
    /// the target container's processes from a debug container.
    case general
}
