import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Drills whose fault hits a service in pods of a `FakeCluster` (real processes in their own
/// namespaces, reached through a stand-in kubectl), with the lab as gateway and control plane: the
/// built `gameday` binary kills in two of three pods and reverts; and, with the runner SIGKILLed
/// while a pause is in place, the watchdog resumes the process through kubectl.
@Suite(
    .serialized,
    .enabled(if: FakeCluster.unavailableReason() == nil, Comment(rawValue: FakeCluster.unavailableReason() ?? "")))
struct KubernetesDrillTests {
    static let labels = ["app": "product"]
    static let app = FakeCluster.Container(name: "app", command: ["sh", "-c", "tail -f /dev/null & wait"])

    static func target(lab: TestLab, cluster: FakeCluster) throws -> String {
        let labTarget = try DrillLoader.loadTarget(path: lab.targetPath)
        let yaml = """
            target: k8s-lab
            gateway: { url: "\(labTarget.gatewayURL)" }
            control_plane: { url: "\(labTarget.controlPlane.url)" }
            routing:
              ranges:
                - { from: 0, to: 4999, unit: hangzhou }
                - { from: 5000, to: 9999, unit: beijing }
            units:
              hangzhou: {}
              beijing:
                kubernetes: \(cluster.kubernetesSettings(toolsImage: "busybox:1.36"))
                services:
                  product:
                    pods: { selector: app=product, container: app }
                    process: { name: tail }
            """
        let path = "\(cluster.root)/target.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func drill(_ cluster: FakeCluster, fault: String, observe: String) throws -> String {
        let yaml = """
            drill: pods-product-down
            probe:
              interval: 100ms
              unit_header: X-Unit
              request: { url: "{{gateway.url}}/storefront?userId={{user.id}}" }
            users:
              - { id: 6000, home: beijing, impact: none }
            steady_state: { duration: 500ms }
            faults:
              - { name: product-down, unit: beijing, service: product, \(fault) }
            observe: { duration: \(observe) }
            """
        let path = "\(cluster.root)/drill.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func result(in directory: String) throws -> (RunResult, String) {
        let path = try #require(
            FileManager.default.subpathsOfDirectory(atPath: directory).first { $0.hasSuffix("result.json") })
        let full = "\(directory)/\(path)"
        return (try RunResult.read(Data(contentsOf: URL(fileURLWithPath: full))), full)
    }

    @Test func aKillInTwoOfThreePodsIsAppliedAndReverted() async throws {
        try await TestLab.withLab { lab in
            try await FakeCluster.with { cluster in
                try await cluster.deploy("product", labels: Self.labels, replicas: 3, containers: [Self.app])
                let before = Dictionary(
                    uniqueKeysWithValues: cluster.pods(labels: Self.labels).map {
                        ($0.name, $0.container("app")?.restartCount ?? -1)
                    })
                let directory = cluster.root
                let run = try await ChildProcess.run(
                    [
                        lab.binary, "run", try Self.drill(cluster, fault: "kind: kill-process, pods: 2", observe: "1s"),
                        "--target", try Self.target(lab: lab, cluster: cluster), "--output", "\(directory)/results",
                        "--state-dir", "\(directory)/state",
                    ], timeout: .seconds(180))
                #expect(run.exitCode == 0, "\(run.transcript)")

                let (result, path) = try Self.result(in: "\(directory)/results")
                let fault = try #require(result.faults.first)
                #expect(fault.state == "reverted")
                #expect(fault.plan.executor.hasPrefix("k8s: fake/shop, pods app=product (container app), 2 of"))
                let hit = Set((fault.hosts ?? []).map { String($0.host.dropFirst("pod/".count)) })
                #expect(hit.count == 2, "\(String(describing: fault.hosts))")
                #expect(
                    run.transcript.contains("      hit: " + (fault.hosts ?? []).map(\.host).joined(separator: ", ")),
                    "\(run.transcript)")
                try await DrillRun.validate(path)
                let after = cluster.pods(labels: Self.labels)
                #expect(after.count == 3 && after.allSatisfy(\.isReady))
                for pod in after {
                    let restarts = pod.container("app")?.restartCount ?? -1
                    #expect(
                        hit.contains(pod.name) ? restarts > before[pod.name] ?? 0 : restarts == before[pod.name],
                        "\(pod.name): \(before[pod.name] ?? -1) → \(restarts) restarts, hit: \(hit)")
                }
                #expect(LedgerStore(stateDirectory: "\(directory)/state").pending(target: "k8s-lab").isEmpty)
            }
        }
    }

    /// SIGKILL while the pause is in place: nobody reverts for the runner, so the local watchdog
    /// runs the ledger's kubectl steps and the processes resume; `recover` then finds nothing left.
    @Test func withTheRunnerKilledAPausedPodResumes() async throws {
        try await TestLab.withLab { lab in
            try await FakeCluster.with { cluster in
                try await cluster.deploy("product", labels: Self.labels, replicas: 2, containers: [Self.app])
                let directory = cluster.root
                let target = try Self.target(lab: lab, cluster: cluster)
                let runner = Process()
                runner.executableURL = URL(fileURLWithPath: lab.binary)
                runner.arguments = [
                    "run", try Self.drill(cluster, fault: "kind: pause-process", observe: "60s"), "--target", target,
                    "--output", "\(directory)/results", "--state-dir", "\(directory)/state", "--watchdog-timeout",
                    "3s", "--quiet",
                ]
                try runner.run()
                func apps() -> [Int32] {
                    cluster.pods(labels: Self.labels).flatMap { pod in
                        cluster.hostPIDs(pod: pod.name, container: "app").filter {
                            (try? String(contentsOfFile: "/proc/\($0)/cmdline", encoding: .utf8))
                                == "tail\u{0}-f\u{0}/dev/null\u{0}"
                        }
                    }
                }
                func stopped(_ pid: Int32) -> Bool {
                    (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)).flatMap(
                        PodProcessFault.state(fromStat:)) == "T"
                }
                let paused = await cluster.poll(timeout: .seconds(60)) {
                    let pids = apps()
                    return pids.count == 2 && pids.allSatisfy(stopped)
                }
                #expect(paused, "the pause never took effect")
                kill(runner.processIdentifier, SIGKILL)
                runner.waitUntilExit()

                let resumed = await cluster.poll(timeout: .seconds(30)) { !apps().contains(where: stopped) }
                #expect(resumed, "a process is still stopped 30s after the runner died")
                let recover = try await ChildProcess.run(
                    [lab.binary, "recover", "--state-dir", "\(directory)/state", "--target", target],
                    timeout: .seconds(60))
                #expect(recover.exitCode == 0, "\(recover.transcript)")
                #expect(LedgerStore(stateDirectory: "\(directory)/state").pending(target: "k8s-lab").isEmpty)
            }
        }
    }

    /// Ctrl-C while the pause is in place: the runner resumes every process itself, disarms the
    /// tools containers' switches and exits 4.
    @Test func anInterruptedRunResumesThePodsItself() async throws {
        try await TestLab.withLab { lab in
            try await FakeCluster.with { cluster in
                try await cluster.deploy("product", labels: Self.labels, replicas: 2, containers: [Self.app])
                let directory = cluster.root
                let (pid, run) = try await SSHDrillTests.start(
                    [
                        "run", try Self.drill(cluster, fault: "kind: pause-process", observe: "60s"), "--target",
                        try Self.target(lab: lab, cluster: cluster), "--output", "\(directory)/results",
                        "--state-dir", "\(directory)/state", "--watchdog-timeout", "5m",
                    ], binary: lab.binary, output: "\(directory)/results")
                let apps = {
                    cluster.pods(labels: Self.labels).flatMap { pod in
                        cluster.hostPIDs(pod: pod.name, container: "app").filter {
                            (try? String(contentsOfFile: "/proc/\($0)/cmdline", encoding: .utf8))
                                == "tail\u{0}-f\u{0}/dev/null\u{0}"
                        }
                    }
                }
                let paused = await cluster.poll(timeout: .seconds(60)) {
                    let pids = apps()
                    return pids.count == 2 && pids.allSatisfy { SSHDrillTests.state($0) == "T" }
                }
                #expect(paused, "the pause never took effect")
                kill(pid, SIGINT)
                let output = try await run.value
                #expect(output.exitCode == 4, "\(output.transcript)")
                #expect(apps().count == 2 && apps().allSatisfy { SSHDrillTests.state($0) != "T" })
                let disarmed = await cluster.poll {
                    cluster.pods(labels: Self.labels).allSatisfy { pod in
                        pod.ephemeralContainers.allSatisfy { !$0.isRunning }
                    }
                }
                #expect(disarmed, "a tools container still runs: its switch was not disarmed")
                #expect(LedgerStore(stateDirectory: "\(directory)/state").pending(target: "k8s-lab").isEmpty)
            }
        }
    }
}
