/// Why kubectl itself failed, as opposed to the command it ran in a pod, read from what it printed.
///
/// `kubectl exec` exits with the command's own exit code and, when that is not 0, prints
/// `command terminated with exit code N` as its last line on stderr. kubectl's own errors exit 1
/// (sometimes 255) without that line. So: exit 0, or a last line naming the exit code, means the
/// command ran; anything else is kubectl's failure, classified by its message.
public enum KubectlFailure: String, Sendable, Hashable, Codable, CaseIterable {
    /// The API server did not answer: refused, timed out, no route, DNS, TLS.
    case apiServerUnreachable
    /// The API server refused our credentials (401).
    case unauthorized
    /// RBAC forbids the verb (403): `pods/exec`, `pods/ephemeralcontainers`, `delete pods`...
    case forbidden
    /// The pod does not exist (any more).
    case podNotFound
    /// The pod has no container of that name.
    case containerNotFound
    /// The container exists but is not running (exited, restarting, an ended debug container).
    case containerNotRunning
    /// The kubeconfig or the context is missing or broken.
    case configuration
    /// The cluster or kubectl does not support what was asked (ephemeral containers, a debug profile).
    case unsupported
    /// Another kubectl error.
    case other

    /// A sentence a person can act on.
    public var explanation: String {
        switch self {
        case .apiServerUnreachable:
            return "the API server is unreachable; check the context's server address and that this host can reach it"
        case .unauthorized:
            return "the API server refused the credentials; log in again or refresh the kubeconfig's token"
        case .forbidden:
            return "RBAC forbids it; the drill needs get/list/delete on pods and create on pods/exec "
                + "and patch on pods/ephemeralcontainers in this namespace"
        case .podNotFound:
            return "the pod does not exist (any more); list the service's pods again"
        case .containerNotFound:
            return "the pod has no such container; check the container name of the unit's service"
        case .containerNotRunning:
            return "the container is not running; wait until the pod is Ready, or start a new debug container"
        case .configuration:
            return "kubectl's configuration is broken; check the kubeconfig path and the context name"
        case .unsupported:
            return "the cluster or kubectl does not support it; ephemeral containers need Kubernetes 1.25+, "
                + "debug profiles kubectl 1.27+ (netadmin 1.28+)"
        case .other:
            return "kubectl failed before the command ran"
        }
    }

    /// kubectl's failure for an exit code and its stderr, or `nil` when the command in the pod ran
    /// (its exit code, 0 or not, is then the command's).
    public static func classify(exitCode: Int32, stderr: String) -> KubectlFailure? {
        guard exitCode != 0, remoteExitCode(stderr) == nil else { return nil }
        let markers: [(KubectlFailure, [String])] = [
            (.podNotFound, ["pods \""]),
            (.forbidden, ["(Forbidden)", "is forbidden:"]),
            (.unauthorized, ["(Unauthorized)", "You must be logged in to the server"]),
            (
                .apiServerUnreachable,
                [
                    "The connection to the server", "Unable to connect to the server", "dial tcp", "i/o timeout",
                    "no such host", "connection refused", "TLS handshake timeout", "x509:", "context deadline exceeded",
                ]
            ),
            (.containerNotFound, ["is not valid for pod", "container not found"]),
            (.containerNotRunning, ["container not running", "is not running", "cannot exec in a stopped"]),
            (
                .configuration,
                [
                    "error: context \"", "context was not found", "Error in configuration", "invalid configuration",
                    "no configuration has been provided", "error: stat ", "error loading config file",
                ]
            ),
            (
                .unsupported,
                [
                    "ephemeral containers are disabled", "could not find the requested resource",
                    "unknown flag", "unknown profile",
                ]
            ),
        ]
        for (failure, needles) in markers where needles.contains(where: { stderr.contains($0) }) {
            if failure == .podNotFound, !stderr.contains("not found") { continue }
            return failure
        }
        return .other
    }

    /// `N` from a last stderr line `command terminated with exit code N`.
    public static func remoteExitCode(_ stderr: String) -> Int32? {
        guard let last = stderr.split(whereSeparator: \.isNewline).last,
            last.hasPrefix(marker)
        else { return nil }
        return Int32(last.dropFirst(marker.count))
    }

    /// `stderr` without kubectl's closing `command terminated…` line: what the command itself printed.
    public static func commandStderr(_ stderr: String) -> String {
        guard remoteExitCode(stderr) != nil else { return stderr }
        var lines = stderr.split(separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        lines.removeLast()
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    static let marker = "command terminated with exit code "
}
