import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

extension Tag {
    /// Starts a `FakeCluster`: as root, pods in network namespaces (`gdk-*`) it creates and always removes.
    @Tag static var fakeCluster: Self
}

/// gameday's real kubectl plans, executor and parsers run against `FakeCluster`: real processes in
/// real PID and network namespaces behind a stand-in kubectl. Every assertion is about an effect
/// on those processes, read back through kubectl or from /proc; waits poll with generous deadlines.
@Suite(
    .tags(.fakeCluster),
    .enabled(if: FakeCluster.unavailableReason() == nil, Comment(rawValue: FakeCluster.unavailableReason() ?? "")))
struct FakeClusterTests {
    static let shell = FakeCluster.Container(name: "app", command: ["sh", "-c", "sleep 600 & wait"])
    static let pid1 = FakeCluster.Container(name: "app", command: ["sleep", "600"])
    /// Ready once its port answers from this namespace.
    static let listener = FakeCluster.Container(
        name: "app",
        command: [
            "python3", "-c",
            "import socket,time; s=socket.socket(); s.bind(('0.0.0.0', 8080)); s.listen(); time.sleep(600)",
        ], readinessPort: 8080)
    let local = LocalExecutor()

    func run(_ argv: [String], timeout: Duration = .seconds(30)) async throws -> CommandOutput {
        try await local.run(argv, timeout: timeout)
    }

    func listing(_ argv: [String]) async throws -> PodStatusReport {
        let output = try await run(argv)
        try #require(output.exitCode == 0, "\(argv): \(output.stderr)")
        return try PodStatusReport.parse(output.stdout)
    }

    func onlyPod(_ cluster: FakeCluster, labels: [String: String]) throws -> FakeCluster.PodState {
        let pods = cluster.pods(labels: labels).filter { !$0.isTerminating }
        try #require(pods.count == 1, "pods: \(pods)")
        return pods[0]
    }

    /// The host pid of the container's `sleep` (the app under the shell).
    func sleepPID(_ cluster: FakeCluster, pod: String) -> Int32? {
        cluster.hostPIDs(pod: pod, container: "app").first { ProcessTable().name(of: $0) == "sleep" }
    }

    /// Exits 0 when a TCP connection to `ip:8080` opens within a second.
    func connectCommand(_ ip: String) -> [String] {
        ["python3", "-c", "import socket,sys; socket.create_connection((sys.argv[1], 8080), 1)", ip]
    }

    // MARK: - Listing

    @Test func aDeploymentsPodsListBySelectorAndAllServe() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy(
                "web", labels: ["app": "web", "tier": "front"], replicas: 3, containers: [Self.listener])
            let report = try await listing(cluster.plan.listPods(try LabelSelector("app=web,tier=front")))
            #expect(report.pods.count == 3)
            #expect(report.serving.count == 3)
            #expect(Set(report.pods.map(\.uid)).count == 3)
            for pod in report.pods {
                #expect(pod.name.wholeMatch(of: /web-[a-z0-9]{5}/) != nil)
                #expect(pod.node == "fake-node" && pod.phase == "Running" && !pod.sharesProcessNamespace)
                #expect(pod.containers == ["app"] && pod.restartCounts == ["app": 0])
            }
            let none = try await listing(cluster.plan.listPods(try LabelSelector("app=web,tier=back")))
            #expect(none.pods.isEmpty)
            let one = try await listing(cluster.plan.getPod(try PodName(report.pods[0].name)))
            #expect(one.pods.map(\.uid) == [report.pods[0].uid])
            // Each pod answers on its own address from here.
            let addresses = cluster.pods(labels: ["app": "web"]).map(\.ip)
            #expect(Set(addresses).count == 3)
            for ip in addresses { #expect(try await run(connectCommand(ip)).exitCode == 0) }
        }
    }

    // MARK: - Processes

    @Test func anAppThatIsPID1IsRefusedAndTheKernelDropsItsSIGKILL() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("web", labels: ["app": "web"], replicas: 1, containers: [Self.pid1])
            let pod = try onlyPod(cluster, labels: ["app": "web"])
            let hostPID = try #require(pod.container("app")?.pid)
            let fault = PodProcessFault(
                plan: cluster.plan, pod: try PodName(pod.name), container: try ContainerName("app"),
                process: try PodProcessName("sleep"))
            let pidof = try await run(fault.locate())
            #expect(pidof.stdout == "1\n")
            #expect(throws: KubernetesError.protectedInit(pod: pod.name, container: "app", process: "sleep")) {
                try fault.pids(fromPidof: pidof)
            }
            // What the plan refuses to do, done anyway: kill(1) answers 0 and nothing happens.
            let killed = try await run(fault.signal(.kill, pids: [1]))
            #expect(killed.exitCode == 0, "\(killed.stderr)")
            try await Task.sleep(for: .seconds(1))
            #expect(ProcessTable().isAlive(hostPID))
            #expect(cluster.pod(named: pod.name)?.container("app")?.restartCount == 0)
        }
    }

    @Test func killingTheAppUnderAShellRestartsTheContainer() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("web", labels: ["app": "web"], replicas: 1, containers: [Self.shell])
            let pod = try onlyPod(cluster, labels: ["app": "web"])
            let fault = PodProcessFault(
                plan: cluster.plan, pod: try PodName(pod.name), container: try ContainerName("app"),
                process: try PodProcessName("sleep"))
            let pids = try fault.pids(fromPidof: try await run(fault.locate()))
            let hostPID = try #require(sleepPID(cluster, pod: pod.name))
            let steps = fault.kill(pids: pids, readyTimeout: .seconds(20))
            for argv in steps.apply {
                // The shell, PID 1, exits when its sleep dies, and the kernel then kills everything
                // left in the PID namespace: `kill` itself when it has not exited yet, as on a real
                // node (137, SIGKILL). Only the proof says whether the kill took.
                let output = try await run(argv)
                #expect([0, 137].contains(output.exitCode), "\(pids): \(output.stderr)")
            }
            let took = try await cluster.poll {
                let pod = try await run(steps.proof[0])
                let pidof = try await run(steps.proof[1])
                return fault.killTookEffect(pids: pids, restartsBefore: 0, pod: pod, pidof: pidof)
            }
            #expect(took)
            #expect(!ProcessTable().isAlive(hostPID))
            #expect(await cluster.poll { cluster.pod(named: pod.name)?.container("app")?.restartCount == 1 })
            let revert = try #require(steps.revert.first)
            guard case .command(let argv, _, _) = revert else {
                Issue.record("expected a command")
                return
            }
            let waited = try await run(argv)
            #expect(waited.exitCode == 0 && waited.stdout == "pod/\(pod.name) condition met\n", "\(waited.stderr)")
            #expect(revert.outcome(of: waited) == .reverted)
            #expect(sleepPID(cluster, pod: pod.name).map { $0 != hostPID } == true)
        }
    }

    @Test func aPauseStopsTheProcessAndItsRevertResumesIt() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("web", labels: ["app": "web"], replicas: 1, containers: [Self.shell])
            let pod = try onlyPod(cluster, labels: ["app": "web"])
            let fault = PodProcessFault(
                plan: cluster.plan, pod: try PodName(pod.name), container: try ContainerName("app"),
                process: try PodProcessName("sleep"))
            let pids = try fault.pids(fromPidof: try await run(fault.locate()))
            let hostPID = try #require(sleepPID(cluster, pod: pod.name))
            let steps = fault.pause(pids: pids)
            for argv in steps.apply { #expect(try await run(argv).exitCode == 0) }
            for argv in steps.proof { #expect(PodProcessFault.isStopped(stat: try await run(argv))) }
            #expect(ProcessTable().state(of: hostPID) == "T")
            for step in steps.revert {
                guard case .command(let argv, _, _) = step else { continue }
                #expect(step.outcome(of: try await run(argv)) == .reverted)
            }
            #expect(!PodProcessFault.isStopped(stat: try await run(fault.readState(pid: pids[0]))))
            #expect(ProcessTable().state(of: hostPID) == "S")
            // Reverting again is idempotent; once the pod is gone it is done too.
            for step in steps.revert {
                guard case .command(let argv, _, _) = step else { continue }
                #expect(step.outcome(of: try await run(argv)) == .reverted)
            }
        }
    }

    // MARK: - Deletion

    @Test func aDeletedPodIsReplacedByAnotherThatServes() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("web", labels: ["app": "web"], replicas: 2, containers: [Self.pid1])
            let selector = try LabelSelector("app=web")
            let before = try await listing(cluster.plan.listPods(selector))
            let victim = before.pods[0]
            let victimNamespace = try #require(cluster.pod(named: victim.name)?.networkNamespace)
            let fault = PodDeletionFault(plan: cluster.plan, selector: selector, victims: [victim], servingBefore: 2)
            let steps = try fault.steps()
            for argv in steps.apply {
                let deleted = try await run(argv)
                #expect(deleted.exitCode == 0 && deleted.stdout == "pod \"\(victim.name)\" deleted\n")
            }
            for argv in steps.proof {
                #expect(PodDeletionFault.isGone(uid: victim.uid, getPodOutput: try await run(argv)))
            }
            guard case .awaitServing(let list, let count, let excluded) = try #require(steps.revert.first) else {
                Issue.record("expected awaitServing")
                return
            }
            let serving = try await cluster.poll {
                PodRevertStep.isServing(try await listing(list), count: count, excludingUIDs: excluded)
            }
            #expect(serving)
            let after = try await listing(list)
            #expect(after.serving.allSatisfy { $0.uid != victim.uid && $0.name != victim.name })
            // The sleep ignores SIGTERM as PID 1: after the grace period the kubelet's SIGKILL ends it.
            let gone = try await cluster.poll {
                let output = try await run(cluster.plan.getPod(try PodName(victim.name)))
                return KubectlFailure.classify(exitCode: output.exitCode, stderr: output.stderr) == .podNotFound
            }
            #expect(gone)
            #expect(!TestNamespaces.output(["ip", "netns", "list"]).contains(victimNamespace + " "))
        }
    }

    // MARK: - Network faults in a debug container

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft"), "needs nft (apt-get install nftables)"))
    func aNetadminDebugContainerBlocksAPortUntilItsSwitchFires() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("web", labels: ["app": "web"], replicas: 1, containers: [Self.listener])
            let pod = try onlyPod(cluster, labels: ["app": "web"])
            let connect = connectCommand(pod.ip)
            #expect(try await run(connect).exitCode == 0)

            let fault = PodNetworkFault(
                plan: cluster.plan, pod: try PodName(pod.name), target: try ContainerName("app"),
                debugImage: try ContainerImage("nicolaka/netshoot"))
            // Three seconds, not two: the block must be in place before the switch fires on a loaded machine.
            let debug = try fault.debugContainer(run: "r1", lifetime: .seconds(3), switchTable: "gameday_r1")
            let started = try await run(debug.start)
            #expect(started.exitCode == 0, "\(started.stderr)")
            let name = try PodNetworkFault.debugContainerName(run: "r1")
            #expect(
                try await cluster.poll {
                    PodNetworkFault.isRunning(name, in: try await listing(cluster.plan.getPod(try PodName(pod.name))))
                })
            let block = try await debug.executor.run(
                [
                    "nft",
                    "add table inet gameday_r1; add chain inet gameday_r1 input { type filter hook input priority 0; }; "
                        + "add rule inet gameday_r1 input tcp dport 8080 drop",
                ], timeout: .seconds(20))
            #expect(block.exitCode == 0, "\(block.stderr)")
            #expect(try await run(connect).exitCode != 0)
            #expect(try await cluster.poll { try await run(connect).exitCode == 0 })
            let tables = TestNamespaces.output(["ip", "netns", "exec", pod.networkNamespace, "nft", "list", "tables"])
            #expect(!tables.contains("gameday_r1"))
            #expect(await cluster.poll { cluster.pod(named: pod.name)?.container(name.value)?.isRunning == false })
            // The debug container has ended: exec in it is kubectl's failure, and its name stays taken.
            do throws(KubectlExecutorError) {
                _ = try await debug.executor.execute(["true"], timeout: .seconds(20))
                Issue.record("exec in an ended debug container ran")
            } catch {
                // The kubelet's words for a container that is not running: "container not found".
                #expect(error.failure == .containerNotFound)
            }
            let again = try await run(debug.start)
            #expect(again.exitCode == 1 && again.stderr.contains("Duplicate value: \"\(name)\""))
        }
    }

    // MARK: - kubectl's own failures

    @Test func kubectlsOwnFailuresAreClassified() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("web", labels: ["app": "web"], replicas: 1, containers: [Self.pid1])
            let pod = try PodName(try onlyPod(cluster, labels: ["app": "web"]).name)
            let plan = cluster.plan
            let cases: [(KubectlExecutor, KubectlFailure)] = [
                (
                    KubectlExecutor(plan: plan, pod: try PodName("web-gone0"), container: try ContainerName("app")),
                    .podNotFound
                ),
                (KubectlExecutor(plan: plan, pod: pod, container: try ContainerName("nope")), .containerNotFound),
                (
                    KubectlExecutor(
                        plan: KubectlPlan(
                            connection: try KubectlConnection(program: cluster.kubectl, context: KubeContext("prod")),
                            namespace: plan.namespace),
                        pod: pod, container: try ContainerName("app")),
                    .configuration
                ),
                (
                    KubectlExecutor(
                        plan: KubectlPlan(
                            connection: try KubectlConnection(
                                program: cluster.kubectl, kubeconfig: cluster.root + "/none"),
                            namespace: plan.namespace),
                        pod: pod, container: try ContainerName("app")),
                    .configuration
                ),
                (
                    KubectlExecutor(
                        plan: KubectlPlan(connection: plan.connection, namespace: try KubernetesNamespace("other")),
                        pod: pod, container: try ContainerName("app")),
                    .podNotFound
                ),
            ]
            for (executor, failure) in cases {
                do throws(KubectlExecutorError) {
                    _ = try await executor.execute(["true"], timeout: .seconds(20))
                    Issue.record("\(executor.name) ran")
                } catch {
                    #expect(error.failure == failure, "\(executor.name): \(error)")
                }
            }
            // The command's own exit code is the command's, not kubectl's failure.
            let executor = KubectlExecutor(plan: plan, pod: pod, container: try ContainerName("app"))
            let output = try await executor.execute(
                ["sh", "-c", "echo out; echo err >&2; exit 3"], timeout: .seconds(20))
            #expect(output.exitCode == 3 && output.stdout == "out\n" && output.stderr == "err\n")
            let waited = try await run(plan.waitReady(try PodName("web-gone0"), timeout: .seconds(1)))
            #expect(KubectlFailure.classify(exitCode: waited.exitCode, stderr: waited.stderr) == .podNotFound)
            let unknown = try await run([cluster.kubectl, "rollout", "restart", "deployment/web"])
            #expect(unknown.exitCode == 1 && unknown.stderr.hasPrefix("error: unknown command"))
        }
    }

    // MARK: - Teardown

    @Test func teardownLeavesNothingBehindEvenWhenTheBodyThrows() async throws {
        struct Planned: Error {}
        var seen: (root: String, prefix: String, pids: [Int32])?
        await #expect(throws: Planned.self) {
            try await FakeCluster.with { cluster in
                try await cluster.deploy("web", labels: ["app": "web"], replicas: 2, containers: [Self.shell])
                let pod = try #require(cluster.pods(labels: ["app": "web"]).first).name
                let debug = try await run(
                    cluster.plan.debug(
                        try PodName(pod), target: try ContainerName("app"), name: try ContainerName("tools"),
                        image: try ContainerImage("busybox"), profile: .general, ["sleep", "600"]))
                #expect(debug.exitCode == 0)
                #expect(await cluster.poll { cluster.pod(named: pod)?.container("tools")?.isRunning == true })
                let pids = cluster.pods().flatMap { cluster.hostPIDs(pod: $0.name, container: "app") }
                seen = (cluster.root, cluster.networkNamespacePrefix, pids)
                throw Planned()
            }
        }
        let (root, prefix, pids) = try #require(seen)
        #expect(pids.count >= 5)  // two shells, two sleeps, the debug container's sleep
        #expect(!TestNamespaces.output(["ip", "netns", "list"]).contains(prefix))
        let table = ProcessTable()
        #expect(pids.filter(table.isAlive).isEmpty)
        let naming = table.pids().filter { table.commandLine(of: $0)?.contains(root) == true }
        #expect(naming.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: root))
    }
}
