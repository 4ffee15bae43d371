import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// The real kubectl binary, where one is installed, against a kubeconfig whose API server is a
/// loopback port nobody listens on: it exercises the detection of kubectl's own failures with
/// kubectl's real messages, without any cluster and without leaving this host.
@Suite(.enabled(if: RealKubectl.path != nil, "no kubectl binary at /usr/bin or /usr/local/bin"))
struct KubectlRealClientTests {

    /// A kubeconfig with one context, `drill`, whose server is https://127.0.0.1:PORT.
    static func kubeconfig(in directory: String, port: Int) throws -> String {
        let path = directory + "/kubeconfig"
        try """
        apiVersion: v1
        kind: Config
        clusters:
        - name: nowhere
          cluster:
            server: https://127.0.0.1:\(port)
        contexts:
        - name: drill
          context:
            cluster: nowhere
            user: nobody
        users:
        - name: nobody
          user:
            token: not-a-token
        current-context: drill
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func plan(_ scratch: Scratch, context: String = "drill", kubeconfig: String? = nil) throws -> KubectlPlan {
        let path = try kubeconfig ?? Self.kubeconfig(in: scratch.directory, port: Scratch.freePort())
        let connection = try KubectlConnection(
            program: try #require(RealKubectl.path), kubeconfig: path, context: KubeContext(context))
        return KubectlPlan(connection: connection, namespace: try KubernetesNamespace("shop"))
    }

    @Test func execAgainstARefusingAPIServerIsKubectlsFailure() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let executor = KubectlExecutor(
            plan: try plan(scratch), pod: try PodName("orders-0"), container: try ContainerName("app"))
        do {
            let output = try await executor.execute(["kill", "-s", "STOP", "7"], timeout: .seconds(30))
            Issue.record("kubectl succeeded with no API server: \(output)")
        } catch {
            #expect(error.failure == .apiServerUnreachable)
        }
    }

    @Test func listingPodsAgainstARefusingAPIServerIsClassified() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let output = try await LocalExecutor().run(
            try plan(scratch).listPods(try LabelSelector("app=orders")), timeout: .seconds(30))
        #expect(output.exitCode != 0)
        #expect(output.lastLine.contains("was refused"))
        #expect(KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) == .apiServerUnreachable)
    }

    /// Every plan's argv gets past the real kubectl's flag parsing (an unknown flag or profile
    /// would fail before any request) and fails only on the API server.
    @Test func realKubectlAcceptsEveryPlannedCommandLine() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let plan = try plan(scratch)
        let pod = try PodName("orders-0")
        let app = try ContainerName("app")
        let process = PodProcessFault(plan: plan, pod: pod, container: app, process: try PodProcessName("orders"))
        let network = PodNetworkFault(
            plan: plan, pod: pod, target: app, debugImage: try ContainerImage("nicolaka/netshoot:v0.13"))
        let tools = try PodProcessFault.startTools(
            plan: plan, pod: pod, container: app, image: try ContainerImage("busybox:1.36"), run: "8f3a")
        let commandLines: [[String]] = [
            plan.listPods(try LabelSelector("app=orders,unit in (beijing,shanghai),!legacy")),
            plan.listPods(try LabelSelector("app=orders"), runningOnly: false),
            plan.getPod(pod), plan.deletePod(pod), plan.waitReady(pod, timeout: .seconds(5)),
            process.locate(), process.signal(.stop, pids: [7]), process.readState(pid: 7),
            try network.debugContainer(run: "8f3a", switchTable: "gameday_8f3a_0").start,
            try network.recoverTable("gameday_8f3a_0", run: "8f3a").start, tools.start,
        ]
        for argv in commandLines {
            let output = try await LocalExecutor().run(argv, timeout: .seconds(30))
            #expect(
                KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) == .apiServerUnreachable,
                "\(argv.dropFirst(3).joined(separator: " ")): \(output.lastLine)")
        }
        let bogus = try await LocalExecutor().run(plan.getPod(pod) + ["--no-such-flag"], timeout: .seconds(30))
        #expect(KubectlFailure.classify(exitCode: bogus.exitCode, stderr: bogus.stderr) == .unsupported)
    }

    @Test func aMissingContextOrKubeconfigIsAConfigurationFailure() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let pod = try PodName("orders-0")
        for plan in [
            try plan(scratch, context: "no-such-context"),
            try plan(scratch, kubeconfig: scratch.directory + "/missing-kubeconfig"),
        ] {
            let output = try await LocalExecutor().run(plan.getPod(pod), timeout: .seconds(30))
            #expect(KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) == .configuration)
        }
    }
}

/// Where the real kubectl is, if installed.
enum RealKubectl {
    static let path: String? = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
}
