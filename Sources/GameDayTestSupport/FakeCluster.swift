import Foundation
import GameDayRuntime

/// A stand-in Kubernetes cluster built from real Linux namespaces, for drills and driver tests
/// that must run gameday's real kubectl command lines against real processes.
///
/// One python daemon, the kubelet, plays API server, ReplicaSet controller and kubelet: every pod
/// is a network namespace (`gdk-<test pid>-<cluster>-<n>`) joined to this one by a veth pair with a
/// /30 of `10.236.0.0/16`, so `POD_IP:port` answers from here; every container is a process that
/// is PID 1 of a PID and mount namespace of its own (`unshare --pid --mount --fork --mount-proc`),
/// restarted when it ends. `kubectl` is a python stand-in for the subset gameday runs (`get pods`,
/// `get pod`, `exec`, `delete pod`, `wait`, `debug`) with real kubectl's messages and exit codes.
///
/// Everything lives in `/tmp/gdk-<test pid>-<cluster>`; `with` kills the kubelet and every process
/// of every pod, deletes the namespaces and the directory, however the body ends. A kubelet whose
/// test process died tears its pods down by itself, and `removeLeftovers` sweeps what a crash left.
public final class FakeCluster: Sendable {
    /// The only context the stand-in kubectl accepts.
    public static let context = "fake"

    /// The cluster's directory: `kubectl`, `kubeconfig`, `state.json`, `kubelet.log`, container logs in `logs/`.
    public let root: String
    /// The Kubernetes namespace `deploy` puts pods in.
    public let namespace: String
    /// Every network namespace of this cluster starts with it: `gdk-<test pid>-<cluster id>-`.
    public let networkNamespacePrefix: String
    /// Host-side veth names start with it: `gk<cluster id>`.
    let linkPrefix: String
    let kubeletPID: Int32

    /// The stand-in kubectl: a shell wrapper that runs `kubectl.py` with the python found at start.
    public var kubectl: String { root + "/kubectl" }
    /// A kubeconfig file that exists (the stand-in only checks that it does).
    public var kubeconfig: String { root + "/kubeconfig" }

    /// How gameday reaches this cluster: the stand-in kubectl, its kubeconfig, context `fake`.
    public var connection: KubectlConnection {
        try! KubectlConnection(program: kubectl, kubeconfig: kubeconfig, context: KubeContext(Self.context))
    }

    /// The command lines of the cluster's namespace.
    public var plan: KubectlPlan {
        KubectlPlan(connection: connection, namespace: try! KubernetesNamespace(namespace))
    }

    init(root: String, namespace: String, networkNamespacePrefix: String, linkPrefix: String, kubeletPID: Int32) {
        self.root = root
        self.namespace = namespace
        self.networkNamespacePrefix = networkNamespacePrefix
        self.linkPrefix = linkPrefix
        self.kubeletPID = kubeletPID
    }

    /// Clusters running at once in this test process: one. Each is a kubelet polling at 20 Hz plus
    /// its pods' processes, and two cores are shared with labs and fleets whose tests measure time.
    static let slots = LabSlots(width: 1)

    // MARK: - Availability

    /// Why the cluster cannot run here, or `nil`: root (namespaces, veths), util-linux's `unshare`
    /// and `nsenter`, iproute2's `ip`, and `python3` for the kubelet and kubectl.
    public static func unavailableReason() -> String? {
        guard getuid() == 0 else {
            return "needs root to create network, PID and mount namespaces: run the tests as root"
        }
        for (tool, package) in [("unshare", "util-linux"), ("nsenter", "util-linux"), ("ip", "iproute2")]
        where executable(tool) == nil {
            return "\(tool) is missing: apt-get install -y \(package)"
        }
        guard python != nil else { return "python3 is missing: apt-get install -y python3" }
        return nil
    }

    /// The real python interpreter (not a pyenv shim, which costs a shell per kubectl call).
    public static let python: String? = {
        guard executable("python3") != nil else { return nil }
        let path = TestNamespaces.output(["python3", "-c", "import sys; print(sys.executable)"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    /// `name`'s path on `PATH` or in the sbin directories, which a root shell has but a test runner may not.
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/sbin", "/usr/sbin", "/sbin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    // MARK: - Lifecycle

    /// Starts a cluster whose pods go to `namespace`, runs `body`, and tears everything down however `body` ends.
    public static func with<T: Sendable>(
        namespace: String = "shop", _ body: (FakeCluster) async throws -> T
    ) async throws -> T {
        try await slots.with {
            removeLeftovers()
            let cluster = try await start(namespace: namespace)
            do {
                let result = try await body(cluster)
                cluster.destroy()
                return result
            } catch {
                cluster.destroy()
                throw error
            }
        }
    }

    static func start(namespace: String) async throws -> FakeCluster {
        _ = try KubernetesNamespace(namespace)
        guard let python else { throw ClusterError("python3 is missing") }
        let id = String(UInt32.random(in: 0...0xff_ffff), radix: 16)
        let pid = getpid()
        // Under /tmp, not NSTemporaryDirectory(): the kubelet's unix socket path must stay under 108 bytes.
        let root = "/tmp/gdk-\(pid)-\(id)"
        try FileManager.default.createDirectory(atPath: root + "/deployments", withIntermediateDirectories: true)
        do {
            try writeScripts(to: root)
            try Self.kubeconfigText.write(toFile: root + "/kubeconfig", atomically: true, encoding: .utf8)
            try ExecutableFile.write("#!/bin/sh\nexec \(python) \(root)/kubectl.py \"$@\"\n", to: root + "/kubectl")
            let prefix = "gdk-\(pid)-\(id)-"
            let started = try await ChildProcess.run(
                [python, root + "/kubelet.py", root, String(pid), prefix, "gk\(id)"], timeout: .seconds(30))
            guard started.exitCode == 0,
                let kubelet = Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            else {
                throw ClusterError("the fake kubelet did not start: \(started.transcript)")
            }
            return FakeCluster(
                root: root, namespace: namespace, networkNamespacePrefix: prefix, linkPrefix: "gk\(id)",
                kubeletPID: kubelet)
        } catch {
            try? FileManager.default.removeItem(atPath: root)
            throw error
        }
    }

    /// Stops the kubelet with SIGTERM: it kills every process of every pod and reaps them (it is
    /// their subreaper: this machine's init may take its time with orphans, and a dying PID 1
    /// waits until its namespace's processes are reaped), and deletes the namespaces. Then, in
    /// case it could not: SIGKILL to it and to every process left in the cluster's namespaces,
    /// the namespaces, the host-side veths and any process naming the root (a kubectl call in
    /// flight) go, and the root. Synchronous, so it runs on every way out of `with`.
    public func destroy() {
        let table = ProcessTable()
        if table.commandLine(of: kubeletPID)?.contains(root) == true {
            kill(kubeletPID, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(10)
            while table.isAlive(kubeletPID), ContinuousClock.now < deadline { usleep(20_000) }
            kill(kubeletPID, SIGKILL)
        }
        Self.removeNamespaces { $0.hasPrefix(networkNamespacePrefix) }
        Self.removeLinks { $0.hasPrefix(linkPrefix) }
        for pid in table.pids() where table.commandLine(of: pid)?.contains(root) == true { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Removes what clusters of dead test processes left: their namespaces (with every process in
    /// them), their kubelets and kubectl calls, their directories.
    public static func removeLeftovers() {
        let isDead: (Substring) -> Bool = { text in
            guard let pid = Int32(text) else { return false }
            return kill(pid, 0) != 0 && errno == ESRCH
        }
        // gdk-<pid>-<id>[-<n>]: the pid is the second field.
        let deadOwner: (String) -> Bool = { name in
            let fields = name.split(separator: "-")
            return name.hasPrefix("gdk-") && fields.count >= 3 && isDead(fields[1])
        }
        removeNamespaces(where: deadOwner)
        let table = ProcessTable()
        for pid in table.pids() {
            guard let line = table.commandLine(of: pid), let match = line.firstMatch(of: /\/tmp\/(gdk-\d+-[0-9a-f]+)/),
                deadOwner(String(match.1))
            else { continue }
            kill(pid, SIGKILL)
        }
        let directories = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for directory in directories where deadOwner(directory) {
            try? FileManager.default.removeItem(atPath: "/tmp/" + directory)
        }
    }

    /// Kills every process of each matching network namespace and deletes it, once none is left
    /// (up to 5 s): killed processes take a moment to exit, and a shell may fork between the
    /// listing and the kill, so the kill repeats until the listing is empty.
    static func removeNamespaces(where matches: (String) -> Bool) {
        for line in TestNamespaces.output(["ip", "netns", "list"]).split(whereSeparator: \.isNewline) {
            let name = String(line.split(separator: " ").first ?? "")
            guard matches(name) else { continue }
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                let pids = TestNamespaces.output(["ip", "netns", "pids", name]).split(whereSeparator: \.isNewline)
                    .compactMap { Int32($0) }
                if pids.isEmpty { break }
                for pid in pids { kill(pid, SIGKILL) }
                usleep(20_000)
            }
            _ = TestNamespaces.output(["ip", "netns", "del", name])
        }
    }

    /// Deletes matching links of this namespace (a veth pair goes with either end).
    static func removeLinks(where matches: (String) -> Bool) {
        for line in TestNamespaces.output(["ip", "-o", "link", "show"]).split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: " ")
            guard fields.count > 1 else { continue }
            let name = String(fields[1].prefix { $0 != ":" && $0 != "@" })
            if matches(name) { _ = TestNamespaces.output(["ip", "link", "del", name]) }
        }
    }

    /// The kubeconfig kubectl is pointed at: only its existence is checked.
    static let kubeconfigText = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster: { server: "https://127.0.0.1:6443" }
        users:
        - name: fake
          user: { token: fake }
        contexts:
        - name: fake
          context: { cluster: fake, user: fake }
        current-context: fake

        """

    public struct ClusterError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
