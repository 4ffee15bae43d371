import Foundation

/// What this code reads of `kubectl get pods -o json` (a `v1.PodList`) or `get pod -o json` (a `v1.Pod`).
public struct PodStatusReport: Sendable, Hashable {
    public var pods: [PodSummary]

    /// Reads a `PodList` (`"kind": "List"` or `"PodList"`, with `items`) or a single `Pod` (`"kind": "Pod"`).
    public static func parse(_ json: String) throws(KubernetesError) -> PodStatusReport {
        let decoder = JSONDecoder()
        let data = Data(json.utf8)
        do {
            if try decoder.decode(KindJSON.self, from: data).kind == "Pod" {
                return PodStatusReport(pods: [PodSummary(try decoder.decode(PodJSON.self, from: data))])
            }
            return PodStatusReport(pods: try decoder.decode(PodListJSON.self, from: data).items.map(PodSummary.init))
        } catch {
            throw .unreadableOutput(what: "pods", reason: Self.reason(error))
        }
    }

    /// Running, Ready and not being deleted: the pods a fault may hit.
    public var serving: [PodSummary] { pods.filter { $0.isReady && !$0.isTerminating } }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "no '\(key.stringValue)' at \(path(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "unexpected value at \(path(context))"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "corrupt value at \(path(context))"
        default:
            return "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty
            ? "the top"
            : context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

/// One pod, as far as faults need it.
public struct PodSummary: Sendable, Hashable {
    public var name: String
    public var uid: String
    /// The node it is scheduled on, `nil` while pending.
    public var node: String?
    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    public var phase: String
    /// The `Ready` condition is `True`.
    public var isReady: Bool
    /// `metadata.deletionTimestamp` is set: the pod is going away.
    public var isTerminating: Bool
    /// `spec.shareProcessNamespace`: the app is then not PID 1 (the pause process is).
    public var sharesProcessNamespace: Bool
    public var containers: [String]
    /// Ephemeral (debug) containers already added to the pod, running or exited.
    public var ephemeralContainers: [String]
    /// Container name → restart count; a kill shows up as an increase.
    public var restartCounts: [String: Int]
    /// Ephemeral container name → it is running now.
    public var runningEphemeralContainers: Set<String>

    init(_ pod: PodJSON) {
        name = pod.metadata.name
        uid = pod.metadata.uid ?? ""
        node = pod.spec?.nodeName
        phase = pod.status?.phase ?? "Unknown"
        isReady = pod.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
        isTerminating = pod.metadata.deletionTimestamp != nil
        sharesProcessNamespace = pod.spec?.shareProcessNamespace ?? false
        containers = pod.spec?.containers.map(\.name) ?? []
        ephemeralContainers = pod.spec?.ephemeralContainers?.map(\.name) ?? []
        restartCounts = Dictionary(
            (pod.status?.containerStatuses ?? []).map { ($0.name, $0.restartCount ?? 0) },
            uniquingKeysWith: { first, _ in first })
        runningEphemeralContainers = Set(
            (pod.status?.ephemeralContainerStatuses ?? []).filter { $0.state?.running != nil }.map(\.name))
    }
}

// MARK: - The JSON shape (only the fields read)

struct KindJSON: Decodable {
    var kind: String?
}

struct PodListJSON: Decodable {
    var items: [PodJSON]
}

struct PodJSON: Decodable {
    struct Metadata: Decodable {
        var name: String
        var uid: String?
        var deletionTimestamp: String?
    }
    struct Container: Decodable { var name: String }
    struct Spec: Decodable {
        var nodeName: String?
        var shareProcessNamespace: Bool?
        var containers: [Container]
        var ephemeralContainers: [Container]?
    }
    struct Condition: Decodable {
        var type: String
        var status: String
    }
    struct ContainerStatus: Decodable {
        struct State: Decodable {
            struct Running: Decodable { var startedAt: String? }
            var running: Running?
        }
        var name: String
        var restartCount: Int?
        var state: State?
    }
    struct Status: Decodable {
        var phase: String?
        var conditions: [Condition]?
        var containerStatuses: [ContainerStatus]?
        var ephemeralContainerStatuses: [ContainerStatus]?
    }
    var metadata: Metadata
    var spec: Spec?
    var status: Status?
}
