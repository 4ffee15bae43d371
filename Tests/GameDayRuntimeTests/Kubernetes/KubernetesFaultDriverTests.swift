import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

@testable import GameDayRuntime

/// The Kubernetes fault driver against a `FakeCluster`: real processes in their own PID, mount and
/// network namespaces, reached only through the stand-in kubectl the driver runs.
@Suite(
    .serialized,
    .enabled(if: FakeCluster.unavailableReason() == nil, Comment(rawValue: FakeCluster.unavailableReason() ?? "")))
struct KubernetesFaultDriverTests {
    /// The app runs under a shell, as with an init: `sleep` is not PID 1, and its death ends the container.
    static let app = FakeCluster.Container(name: "app", command: ["sh", "-c", "tail -f /dev/null & wait"])
    static let labels = ["app": "product"]

    static func target(
        _ cluster: FakeCluster, process: String? = "tail", tools: Bool = true, debug: Bool = false
    ) throws -> Target {
        let yaml = """
            target: k8s
            gateway: { url: "http://127.0.0.1:1" }
            control_plane: { url: "http://127.0.0.1:2" }
            routing: { ranges: [{ from: 0, to: 9999, unit: beijing }] }
            units:
              beijing:
                kubernetes: \(cluster.kubernetesSettings(toolsImage: tools ? "busybox:1.36" : nil, debugImage: debug ? "nicolaka/netshoot:v0.13" : nil))
                services:
                  product:
                    pods: { selector: app=product, container: app }
                    port: 9000
            \(process.map { "        process: { name: \($0) }" } ?? "")
            """
        return try DrillLoader.parseTarget(yaml: yaml, file: "/tmp/k8s-target.yaml")
    }

    static func fault(_ keys: String) throws -> FaultSpec {
        let yaml = """
            drill: k8s
            probe: { request: { url: "{{gateway.url}}/" } }
            users: [{ id: 1 }]
            faults:
              - { name: f, unit: beijing, service: product, \(keys) }
            """
        return try #require(try DrillLoader.parseDrill(yaml: yaml, file: "d.yaml").faults.first)
    }

    /// The host pids of the app's process (`tail`) in `pod`.
    static func apps(_ cluster: FakeCluster, _ pod: String) -> [Int32] {
        cluster.hostPIDs(pod: pod, container: "app", argv: ["tail", "-f", "/dev/null"])
    }

    @Test func aKillHitsTheChosenPodsAndTheRevertWaitsForTheirRestart() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("product", labels: Self.labels, replicas: 3, containers: [Self.app])
            let target = try Self.target(cluster, tools: false)
            let fault = try Self.fault("kind: kill-process, pods: 2")
            let driver = KubernetesFaultDriver(runId: "k1")
            let before = Dictionary(
                uniqueKeysWithValues: cluster.pods(labels: Self.labels).map {
                    ($0.name, $0.container("app")?.restartCount ?? -1)
                })

            let found = try await driver.check(fault, in: target)
            #expect(found.hasPrefix("found 2 of 3 serving pod(s) of app=product: "), "\(found)")
            await #expect(
                throws: FaultError(
                    "fault f, pods: count 4 must be between 1 and the 3 pods available (the serving pods of beijing/product)"
                )
            ) { try await driver.check(Self.fault("kind: kill-process, pods: 4"), in: target) }
            let applied = try await driver.apply(fault, in: target)
            let recipe = applied.ready.recipe
            #expect(recipe.steps.count == 2)
            for place in recipe.steps {
                guard case .at(_, let steps) = place, case .kubectl(let argv, _, let doneWhen)? = steps.first else {
                    Issue.record("not a pod's kubectl step: \(place)")
                    continue
                }
                #expect(argv.contains("wait") && argv.contains("--for=condition=Ready"), "\(argv)")
                #expect(doneWhen == ["podNotFound"])
            }
            #expect(applied.hosts.count == 2)
            let hit = Set(applied.hosts.map { String($0.host.dropFirst("pod/".count)) })
            let said = try await driver.revert(applied, in: target)
            #expect(said.contains("condition met"), "\(said)")

            let after = cluster.pods(labels: Self.labels)
            #expect(after.count == 3 && after.allSatisfy(\.isReady), "\(after)")
            for pod in after {
                let restarts = pod.container("app")?.restartCount ?? -1
                if hit.contains(pod.name) {
                    #expect(restarts > before[pod.name] ?? 0, "\(pod.name) was not restarted")
                } else {
                    #expect(restarts == before[pod.name], "\(pod.name) was not chosen but restarted")
                }
            }
        }
    }

    @Test func aPauseStopsTheProcessAndTheRevertResumesIt() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("product", labels: Self.labels, replicas: 2, containers: [Self.app])
            let target = try Self.target(cluster)
            let fault = try Self.fault("kind: pause-process")
            let driver = KubernetesFaultDriver(runId: "p1")
            let applied = try await driver.apply(fault, in: target)
            #expect(applied.hosts.count == 2)
            let pods = cluster.pods(labels: Self.labels)
            let paused = pods.flatMap { Self.apps(cluster, $0.name) }
            #expect(paused.count == 2 && paused.allSatisfy { ProcessTable().state(of: $0) == "T" }, "\(paused)")
            // Each pod got a tools container (the switch), running while the fault is in place.
            for pod in pods { #expect(pod.container("gameday-tools-p1")?.isRunning == true, "\(pod)") }

            let said = try await driver.revert(applied, in: target)
            #expect(said.contains("kill -s CONT"), "\(said)")
            #expect(paused.allSatisfy { ProcessTable().state(of: $0) != "T" })
            // Disarmed: the switch ended without waiting for its lifetime.
            let ended = await cluster.poll {
                cluster.pods(labels: Self.labels).allSatisfy { $0.container("gameday-tools-p1")?.isRunning == false }
            }
            #expect(ended, "a tools container still runs after the revert")
        }
    }

    /// Two faults of one run on the same pods share the run's tools container.
    @Test func twoFaultsOfARunShareTheToolsContainer() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("product", labels: Self.labels, replicas: 1, containers: [Self.app])
            let target = try Self.target(cluster)
            let driver = KubernetesFaultDriver(runId: "s1")
            var first = try Self.fault("kind: pause-process")
            first.name = "first"
            var second = first
            second.name = "second"
            let one = try await driver.apply(first, in: target)
            let two = try await driver.apply(second, in: target)
            let pod = try #require(cluster.pods(labels: Self.labels).first)
            #expect(pod.ephemeralContainers.map(\.name) == ["gameday-tools-s1"])
            let paused = Self.apps(cluster, pod.name)
            #expect(!paused.isEmpty && paused.allSatisfy { ProcessTable().state(of: $0) == "T" })
            _ = try await driver.revert(two, in: target)
            _ = try await driver.revert(one, in: target)
            #expect(paused.allSatisfy { ProcessTable().state(of: $0) != "T" })
        }
    }

    /// Nobody reverts: the tools container's switch resumes the process when its lifetime ends.
    @Test func aPausedProcessResumesByItselfWhenNobodyRevertsIt() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("product", labels: Self.labels, replicas: 1, containers: [Self.app])
            let target = try Self.target(cluster)
            let fault = try Self.fault("kind: pause-process")
            let driver = KubernetesFaultDriver(runId: "p2", switchLifetime: .seconds(2))
            let applied = try await driver.apply(fault, in: target)
            let recipe = applied.ready.recipe
            let pod = try #require(cluster.pods(labels: Self.labels).first)
            let paused = Self.apps(cluster, pod.name)
            #expect(!paused.isEmpty && paused.allSatisfy { ProcessTable().state(of: $0) == "T" })
            let resumed = await cluster.poll(timeout: .seconds(15)) {
                paused.allSatisfy { ProcessTable().state(of: $0) != "T" }
            }
            #expect(resumed, "the switch did not resume the process")
            // The ledger's recipe, run afterwards (a watchdog or `recover`), finds nothing left to do.
            let done = try await RecipeRunner().run(recipe)
            #expect(done.hasPrefix("nothing left to revert (the container no longer runs): "), "\(done)")
        }
    }

    @Test func anAppThatIsPID1IsRefusedBeforeAnythingIsDone() async throws {
        try await FakeCluster.with { cluster in
            let bare = FakeCluster.Container(name: "app", command: ["sleep", "600"])
            try await cluster.deploy("product", labels: Self.labels, replicas: 1, containers: [bare])
            let target = try Self.target(cluster, process: "sleep", tools: false)
            let error = await #expect(throws: FaultError.self) {
                try await KubernetesFaultDriver(runId: "i1").check(Self.fault("kind: kill-process"), in: target)
            }
            #expect(error?.message.contains("is PID 1 of container app") == true, "\(String(describing: error))")
            #expect(cluster.pods(labels: Self.labels).first?.container("app")?.restartCount == 0)
        }
    }

    /// Without a process name a kill deletes the pods; the revert waits for replacements.
    @Test func aServiceWithoutAProcessIsKilledByDeletingItsPods() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("product", labels: Self.labels, replicas: 2, containers: [Self.app])
            let target = try Self.target(cluster, process: nil, tools: false)
            let fault = try Self.fault("kind: kill-process, pods: 1")
            let driver = KubernetesFaultDriver(runId: "d1")
            let before = Set(cluster.pods(labels: Self.labels).map(\.uid))
            let applied = try await driver.apply(fault, in: target)
            let recipe = applied.ready.recipe
            guard case .at(_, let steps)? = recipe.steps.first,
                case .awaitPods(_, let count, let excluding, _)? = steps.first
            else {
                Issue.record("\(recipe)")
                return
            }
            #expect(count == 2 && excluding.count == 1 && before.isSuperset(of: excluding))
            let victim = try #require(applied.hosts.first?.host.dropFirst("pod/".count))
            _ = try await driver.revert(applied, in: target)
            let now = cluster.pods(labels: Self.labels).filter { $0.isReady && !$0.isTerminating }
            #expect(now.count == 2 && !now.contains { $0.name == victim }, "\(now)")
            #expect(now.filter { before.contains($0.uid) }.count == 1, "exactly one pod was replaced")
        }
    }

    /// One of two pods has no such process: `abort` puts the other back and fails; `continue` goes on.
    @Test func aPodThatCannotBeHitMakesTheInjectionPartial() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("product", labels: Self.labels, replicas: 1, containers: [Self.app])
            let other = FakeCluster.Container(name: "app", command: ["sh", "-c", "sleep 600 & wait"])
            try await cluster.deploy(
                "product-canary", labels: ["app": "product", "track": "canary"], replicas: 1, containers: [other])
            let target = try Self.target(cluster)
            let pod = try #require(
                cluster.pods(labels: Self.labels).first {
                    $0.name.hasPrefix("product-") && !$0.name.hasPrefix("product-canary")
                })
            let apps = Self.apps(cluster, pod.name)

            let error = await #expect(throws: FaultError.self) {
                let driver = KubernetesFaultDriver(runId: "a1")
                _ = try await driver.apply(Self.fault("kind: pause-process"), in: target)
            }
            #expect(error?.message.contains("applied on 1 of 2 pod(s) only") == true, "\(String(describing: error))")
            #expect(error?.message.contains("no process named tail") == true)
            #expect(apps.allSatisfy { ProcessTable().state(of: $0) != "T" }, "the pod that was hit was not put back")

            let driver = KubernetesFaultDriver(runId: "a2")
            let fault = try Self.fault("kind: pause-process, on_partial: continue")
            let applied = try await driver.apply(fault, in: target)
            #expect(applied.hosts.map(\.host) == ["pod/\(pod.name)"])
            #expect(applied.effect.contains("PARTIAL"), "\(applied.effect)")
            #expect(apps.allSatisfy { ProcessTable().state(of: $0) == "T" })
            _ = try await driver.revert(applied, in: target)
            #expect(apps.allSatisfy { ProcessTable().state(of: $0) != "T" })
        }
    }

    /// A port block in a pod's own network namespace, from a debug container: traffic from this
    /// host to the pod stops, and the debug container's switch deletes the table by itself.
    @Test func aPortBlockInAPodIsUndoneByTheRevertAndByItsSwitch() async throws {
        try await FakeCluster.with { cluster in
            let server = FakeCluster.Container(
                name: "app",
                command: [
                    "python3", "-c",
                    "import socket\ns=socket.socket(); s.bind(('0.0.0.0', 9000)); s.listen()\nwhile True: s.accept()[0].close()",
                ], readinessPort: 9000)
            try await cluster.deploy("product", labels: Self.labels, replicas: 1, containers: [server])
            let target = try Self.target(cluster, process: nil, tools: false, debug: true)
            let pod = try #require(cluster.pods(labels: Self.labels).first)
            func reachable() async -> Bool {
                let connect = try? await LocalExecutor().run(
                    ["python3", "-c", "import socket,sys; socket.create_connection((sys.argv[1], 9000), 1)", pod.ip],
                    timeout: .seconds(5))
                return connect?.exitCode == 0
            }
            #expect(await reachable())
            let fault = try Self.fault("kind: block-port, ports: [9000]")

            let driver = KubernetesFaultDriver(runId: "b1")
            let applied = try await driver.apply(fault, in: target)
            let recipe = applied.ready.recipe
            #expect(applied.hosts.map(\.host) == ["pod/\(pod.name)"])
            #expect(!(await reachable()), "the port still answers")
            // Only in the pod's namespace: this host has no table of the run.
            #expect(!TestNamespaces.output(["nft", "list", "tables"]).contains("b1"))
            _ = try await driver.revert(applied, in: target)
            #expect(await reachable(), "the port does not answer after the revert")
            let again = try await RecipeRunner().run(recipe)
            #expect(again.contains("nothing left to revert"), "\(again)")

            // The block made the pod unready (its readiness probe is the port), as on a real node.
            #expect(await cluster.poll { cluster.pods(labels: Self.labels).first?.isReady == true })
            // Long enough that the check just below (a python start and a 1s connect) runs before it
            // ends, even on a machine starved by the tests beside this one (CI: 2s was not).
            let unattended = KubernetesFaultDriver(runId: "b2", switchLifetime: .seconds(10))
            _ = try await unattended.apply(fault, in: target)
            #expect(!(await reachable()))
            let back = await cluster.poll(timeout: .seconds(40)) { await reachable() }
            #expect(back, "the debug container's switch did not delete the table")
        }
    }

    /// A killed container that comes back but never Ready again: the revert waits its time, then
    /// fails naming the pod, and the ledger's recipe (for `recover`) fails the same way.
    @Test func aKillWhosePodNeverBecomesReadyAgainFailsItsRevert() async throws {
        try await FakeCluster.with { cluster in
            // Listens on 9000 the first time; restarted, it only sleeps (the readiness probe fails).
            let flag = "\(cluster.root)/started-once"
            let listener =
                "import socket\ns=socket.socket(); s.bind(('0.0.0.0', 9000)); s.listen()\n"
                + "while True: s.accept()[0].close()"
            let flaky = FakeCluster.Container(
                name: "app",
                command: [
                    "sh", "-c",
                    "if [ -e \"$0\" ]; then exec sleep 600; fi; touch \"$0\"; python3 -c \"$1\" & wait", flag,
                    listener,
                ], readinessPort: 9000)
            try await cluster.deploy("product", labels: Self.labels, replicas: 1, containers: [flaky])
            let target = try Self.target(cluster, process: "python3", tools: false)
            let fault = try Self.fault("kind: kill-process")
            let driver = KubernetesFaultDriver(runId: "n1", readyTimeout: .seconds(3))
            let applied = try await driver.apply(fault, in: target)
            let recipe = applied.ready.recipe
            let pod = try #require(applied.hosts.first?.host.dropFirst("pod/".count))
            let error = await #expect(throws: FaultError.self) { try await driver.revert(applied, in: target) }
            #expect(error?.message.contains("wait pod/\(pod)") == true, "\(String(describing: error))")
            #expect(
                error?.message.contains("timed out waiting for the condition") == true, "\(String(describing: error))")
            await #expect(throws: (any Error).self) { try await RecipeRunner().run(recipe) }
        }
    }

    /// kubectl's own failure stops the preflight with what to do, before anything is applied.
    @Test func aContextTheKubeconfigDoesNotHaveStopsThePreflight() async throws {
        try await FakeCluster.with { cluster in
            try await cluster.deploy("product", labels: Self.labels, replicas: 1, containers: [Self.app])
            var target = try Self.target(cluster, tools: false)
            target.units[0].kubernetes?.context = "prod-bj"
            let error = await #expect(throws: FaultError.self) {
                try await KubernetesFaultDriver(runId: "c1").check(Self.fault("kind: kill-process"), in: target)
            }
            #expect(
                error?.message.hasPrefix(
                    "pods of beijing/product: kubectl's configuration is broken; check the kubeconfig path and the context name"
                ) == true, "\(String(describing: error))")
            #expect(error?.message.contains("prod-bj") == true)
        }
    }

    @Test func latencyInPodsIsRefusedAndSaysWhy() async throws {
        let target = try DrillLoader.parseTarget(
            yaml: """
                target: k8s
                gateway: { url: "http://127.0.0.1:1" }
                control_plane: { url: "http://127.0.0.1:2" }
                routing: { ranges: [{ from: 0, to: 9999, unit: beijing }] }
                units:
                  beijing:
                    kubernetes: { namespace: shop, debug_image: netshoot }
                    services:
                      product: { pods: { selector: app=product, container: app } }
                """, file: "t.yaml")
        let fault = try Self.fault("kind: latency, interface: eth0, delay: 100ms")
        let error = await #expect(throws: FaultError.self) {
            try await KubernetesFaultDriver(runId: "l1").check(fault, in: target)
        }
        #expect(error?.message.contains("latency in pods is not supported") == true, "\(String(describing: error))")
    }
}
