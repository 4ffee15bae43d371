import Foundation
import GameDayRuntime

extension FakeCluster {
    /// One container of a deployment's pod template.
    public struct Container: Sendable, Hashable, Codable {
        public var name: String
        /// Run with this host's binaries as PID 1 of the container's own PID namespace.
        public var command: [String]
        /// When set, the container is Ready once a TCP connect from the node to `POD_IP:port` succeeds.
        public var readinessPort: Int?

        public init(name: String, command: [String], readinessPort: Int? = nil) {
            self.name = name
            self.command = command
            self.readinessPort = readinessPort
        }
    }

    /// A pod as the kubelet last wrote it.
    public struct PodState: Sendable, Hashable {
        public var name: String
        public var uid: String
        public var labels: [String: String]
        /// The pod's network namespace on this host (`ip netns exec NAME …`).
        public var networkNamespace: String
        /// The pod's address, reachable from this namespace.
        public var ip: String
        public var phase: String
        public var isReady: Bool
        public var isTerminating: Bool
        public var containers: [ContainerState]
        public var ephemeralContainers: [ContainerState]

        public func container(_ name: String) -> ContainerState? {
            (containers + ephemeralContainers).first { $0.name == name }
        }
    }

    /// A container of a pod, app or ephemeral.
    public struct ContainerState: Sendable, Hashable {
        public var name: String
        /// The host pid of the container's process while it runs: PID 1 of its PID namespace, or a
        /// debug container's command.
        public var pid: Int32?
        public var restartCount: Int
        public var isRunning: Bool
    }

    // MARK: - Deploying

    /// Creates (or updates) a Deployment: `replicas` pods named `NAME-xxxxx` with `labels`, each with
    /// its own uid, network namespace and address. Returns once that many pods with those labels
    /// are Ready and not terminating (waiting up to `timeout`).
    public func deploy(
        _ name: String, labels: [String: String], replicas: Int, containers: [Container],
        timeout: Duration = .seconds(30)
    ) async throws {
        _ = try ContainerName(name)
        for container in containers { _ = try ContainerName(container.name) }
        let deployment = Deployment(
            name: name, namespace: namespace, labels: labels, replicas: replicas, containers: containers)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try encoder.encode(deployment).write(
            to: URL(fileURLWithPath: "\(root)/deployments/\(name).json"), options: .atomic)
        let serving = await poll(timeout: timeout) {
            self.pods(labels: labels).filter { $0.isReady && !$0.isTerminating }.count >= replicas
        }
        guard serving else {
            throw ClusterError(
                "deployment \(name): \(replicas) pods not Ready within \(timeout); kubelet.log:\n\(kubeletLog())")
        }
    }

    struct Deployment: Codable {
        var name: String
        var namespace: String
        var labels: [String: String]
        var replicas: Int
        var containers: [Container]
    }

    // MARK: - Reading the state

    /// The pods of the cluster's namespace whose labels include `labels` (all of them for `[:]`).
    public func pods(labels: [String: String] = [:]) -> [PodState] {
        readPods().filter { pod in labels.allSatisfy { pod.labels[$0.key] == $0.value } }
    }

    /// The pod named `name`, if it exists (terminating or not).
    public func pod(named name: String) -> PodState? {
        readPods().first { $0.name == name }
    }

    /// Every live host pid in the PID namespace of `container`'s PID 1: its own processes, and
    /// processes `kubectl exec` and debug containers started there.
    public func hostPIDs(pod: String, container: String) -> [Int32] {
        guard let pid1 = self.pod(named: pod)?.container(container)?.pid,
            let namespace = Self.pidNamespace(of: pid1)
        else { return [] }
        let table = ProcessTable()
        return table.pids().filter { Self.pidNamespace(of: $0) == namespace && table.isAlive($0) }
    }

    static func pidNamespace(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/pid")
    }

    /// The kubelet's log, for failure messages.
    public func kubeletLog() -> String {
        (try? String(contentsOfFile: root + "/kubelet.log", encoding: .utf8)) ?? "(no kubelet.log)"
    }

    /// Polls `condition` every 100 ms until it holds (true) or `timeout` passes (false).
    public func poll(timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    func readPods() -> [PodState] {
        guard let data = FileManager.default.contents(atPath: root + "/state.json"),
            let state = try? JSONDecoder().decode(StateJSON.self, from: data)
        else { return [] }
        return state.pods.filter { $0.metadata.namespace == namespace }.map(PodState.init)
    }
}

// MARK: - state.json: v1 Pods, with the container processes in `containerID` (`fake://PARENT/PID`)

struct StateJSON: Decodable {
    struct Pod: Decodable {
        struct Metadata: Decodable {
            var name: String
            var namespace: String
            var uid: String
            var labels: [String: String]?
            var annotations: [String: String]?
            var deletionTimestamp: String?
        }
        struct Condition: Decodable {
            var type: String
            var status: String
        }
        struct ContainerStatus: Decodable {
            struct State: Decodable { var running: [String: String]? }
            var name: String
            var restartCount: Int
            var containerID: String?
            var state: State
        }
        struct Status: Decodable {
            var phase: String
            var podIP: String?
            var conditions: [Condition]
            var containerStatuses: [ContainerStatus]
            var ephemeralContainerStatuses: [ContainerStatus]?
        }
        var metadata: Metadata
        var status: Status
    }
    var pods: [Pod]
}

extension FakeCluster.PodState {
    init(_ pod: StateJSON.Pod) {
        name = pod.metadata.name
        uid = pod.metadata.uid
        labels = pod.metadata.labels ?? [:]
        networkNamespace = pod.metadata.annotations?["fake.gameday/netns"] ?? ""
        ip = pod.status.podIP ?? ""
        phase = pod.status.phase
        isReady = pod.status.conditions.contains { $0.type == "Ready" && $0.status == "True" }
        isTerminating = pod.metadata.deletionTimestamp != nil
        containers = pod.status.containerStatuses.map(FakeCluster.ContainerState.init)
        ephemeralContainers = (pod.status.ephemeralContainerStatuses ?? []).map(FakeCluster.ContainerState.init)
    }
}

extension FakeCluster.ContainerState {
    init(_ status: StateJSON.Pod.ContainerStatus) {
        name = status.name
        restartCount = status.restartCount
        isRunning = status.state.running != nil
        pid = status.containerID.flatMap { $0.split(separator: "/").last }.flatMap { Int32($0) }
    }
}
