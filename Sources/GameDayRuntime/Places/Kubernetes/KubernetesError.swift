import Foundation

/// Why a Kubernetes fault could not be planned, reached, applied or proved.
///
/// Every message says what went wrong and what to do about it.
public enum KubernetesError: LocalizedError, Sendable, Hashable, CustomStringConvertible {
    /// A value that would end up in kubectl's argv failed validation.
    case invalidValue(what: String, value: String, expected: String)
    /// kubectl itself failed (the API server, the pod, the container, permissions), not the command it ran.
    case kubectl(KubectlFailure, subject: String, detail: String)
    /// A command ran in the pod and failed.
    case commandFailed(argv: [String], exitCode: Int32, output: String)
    /// kubectl printed something this code cannot read.
    case unreadableOutput(what: String, reason: String)
    /// The fault would signal PID 1 of the container's PID namespace, which the kernel ignores.
    case protectedInit(pod: String, container: String, process: String)
    /// No process of that name runs in the container.
    case noSuchProcess(pod: String, container: String, process: String)
    /// A network fault was asked for but no debug image is configured.
    case networkFaultsNotConfigured(pod: String)

    public var errorDescription: String? { description }

    public var description: String {
        switch self {
        case .invalidValue(let what, let value, let expected):
            return "invalid \(what) '\(value)': expected \(expected)"
        case .kubectl(let failure, let subject, let detail):
            let tail = detail.isEmpty ? "" : " (kubectl: \(detail))"
            return "\(subject): \(failure.explanation)\(tail)"
        case .commandFailed(let argv, let exitCode, let output):
            let tail = output.isEmpty ? "" : ": \(output)"
            // 126/127: the runtime could not start it, usually because the image lacks the program.
            let hint =
                exitCode == 126 || exitCode == 127
                ? "; the container's image may lack \(argv.first ?? "it"): run the tools from a debug container "
                    + "(busybox) that targets the container" : ""
            return "'\(argv.joined(separator: " "))' exited \(exitCode) in the pod\(tail)\(hint)"
        case .unreadableOutput(let what, let reason):
            return "cannot read \(what) from kubectl: \(reason); run the same kubectl command by hand to see "
                + "what it prints"
        case .protectedInit(let pod, let container, let process):
            return "\(process) is PID 1 of container \(container) in pod \(pod): the kernel drops SIGKILL and "
                + "SIGSTOP sent to a PID namespace's init from inside it, so the fault would not take effect; "
                + "use the delete-pod kill, run the process under an init (tini, dumb-init), "
                + "or set shareProcessNamespace: true on the pod"
        case .noSuchProcess(let pod, let container, let process):
            return "no process named \(process) in container \(container) of pod \(pod); "
                + "check the process name (as pidof sees it) and the container"
        case .networkFaultsNotConfigured(let pod):
            return "network faults in pod \(pod) need an ephemeral debug container with NET_ADMIN: "
                + "configure a debug image that has nft and tc (and a cluster that allows ephemeral containers "
                + "and the netadmin profile), or drill this failure at the node or the network instead"
        }
    }
}
