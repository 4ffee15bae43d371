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
        let yaml =
            TargetText.twoUnits(
                name: "k8s-lab", gateway: labTarget.gatewayURL, controlPlane: labTarget.controlPlane.url) + """
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
        try RemoteDrill.write(name: "pods-product-down", fault: fault, observe: observe, in: cluster.root)
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
                #expect(fault.state == .reverted)
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

    /// The host pids of the app's process in the product pods, and whether all `count` are stopped.
    static func apps(_ cluster: FakeCluster) -> [Int32] {
        cluster.hostPIDs(labels: labels, container: "app", argv: ["tail", "-f", "/dev/null"])
    }

    static func allStopped(_ cluster: FakeCluster, count: Int) -> Bool {
        let pids = apps(cluster)
        return pids.count == count && pids.allSatisfy { ProcessTable().state(of: $0) == "T" }
    }

    static func noneStopped(_ cluster: FakeCluster) -> Bool {
        apps(cluster).allSatisfy { ProcessTable().state(of: $0) != "T" }
    }

    /// Starts a 60 s pause drill with `watchdog` as `--watchdog-timeout`, waits until both pods'
    /// processes are stopped, and kills the runner with SIGKILL.
    static func killedWhilePaused(lab: TestLab, cluster: FakeCluster, watchdog: String) async throws -> String {
        try await cluster.deploy("product", labels: labels, replicas: 2, containers: [app])
        let directory = cluster.root
        let target = try Self.target(lab: lab, cluster: cluster)
        let (pid, run) = try await RemoteDrill.start(
            [
                "run", try drill(cluster, fault: "kind: pause-process", observe: "60s"), "--target", target,
                "--output", "\(directory)/results", "--state-dir", "\(directory)/state", "--watchdog-timeout",
                watchdog, "--quiet",
            ], binary: lab.binary, output: "\(directory)/results")
        let paused = await cluster.poll(timeout: .seconds(60)) { allStopped(cluster, count: 2) }
        #expect(paused, "the pause never took effect")
        kill(pid, SIGKILL)
        _ = try? await run.value
        return target
    }

    /// SIGKILL while the pause is in place: nobody reverts for the runner, so the local watchdog
    /// runs the ledger's kubectl steps and the processes resume; `recover` then finds nothing left.
    @Test func withTheRunnerKilledAPausedPodResumes() async throws {
        try await TestLab.withLab { lab in
            try await FakeCluster.with { cluster in
                let target = try await Self.killedWhilePaused(lab: lab, cluster: cluster, watchdog: "3s")
                let state = "\(cluster.root)/state"
                let resumed = await cluster.poll(timeout: .seconds(30)) { Self.noneStopped(cluster) }
                #expect(resumed, "a process is still stopped 30s after the runner died")
                // The watchdog did it, through kubectl (the tools containers' switches wait minutes). It
                // notes the entry reverted once its kubectl steps have returned, a moment after the
                // processes resumed: wait for that.
                _ = await cluster.poll(timeout: .seconds(30)) { LedgerStore(stateDirectory: state).pending().isEmpty }
                let entries = LedgerStore(stateDirectory: state).all()
                #expect(
                    !entries.isEmpty
                        && entries.allSatisfy { $0.state == .reverted && $0.note?.hasPrefix("the watchdog") == true },
                    "\(entries.map(\.summary))")
                let recover = try await ChildProcess.run(
                    [lab.binary, "recover", "--state-dir", state, "--target", target], timeout: .seconds(60))
                #expect(recover.exitCode == 0, "\(recover.transcript)")
                #expect(LedgerStore(stateDirectory: state).pending(target: "k8s-lab").isEmpty)
            }
        }
    }

    /// SIGKILL with a watchdog that would wait five minutes: `gameday recover`, a fresh process with
    /// only the ledger, resumes the processes through kubectl; the watchdog then has nothing to do.
    @Test func recoverResumesAPausedPodAfterTheRunnerIsKilled() async throws {
        try await TestLab.withLab { lab in
            try await FakeCluster.with { cluster in
                let target = try await Self.killedWhilePaused(lab: lab, cluster: cluster, watchdog: "5m")
                let state = "\(cluster.root)/state"
                try await Task.sleep(for: .seconds(1))
                #expect(Self.allStopped(cluster, count: 2), "nothing should have resumed them yet")
                let recover = try await ChildProcess.run(
                    [lab.binary, "recover", "--state-dir", state, "--target", target], timeout: .seconds(60))
                #expect(recover.exitCode == 0, "\(recover.transcript)")
                #expect(recover.stdout.contains("kill -s CONT"), "\(recover.transcript)")
                #expect(Self.noneStopped(cluster) && Self.apps(cluster).count == 2)
                #expect(LedgerStore(stateDirectory: state).pending(target: "k8s-lab").isEmpty)
                let watchdogGone = await cluster.poll(timeout: .seconds(15)) {
                    (try? ProcessTable().find(.commandLine("watchdog --state-dir \(state)"))) == nil
                }
                #expect(watchdogGone, "the watchdog still runs with its entry reverted")
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
                let (pid, run) = try await RemoteDrill.start(
                    [
                        "run", try Self.drill(cluster, fault: "kind: pause-process", observe: "60s"), "--target",
                        try Self.target(lab: lab, cluster: cluster), "--output", "\(directory)/results",
                        "--state-dir", "\(directory)/state", "--watchdog-timeout", "5m",
                    ], binary: lab.binary, output: "\(directory)/results")
                let paused = await cluster.poll(timeout: .seconds(60)) { Self.allStopped(cluster, count: 2) }
                #expect(paused, "the pause never took effect")
                kill(pid, SIGINT)
                let output = try await run.value
                #expect(output.exitCode == 4, "\(output.transcript)")
                #expect(Self.apps(cluster).count == 2 && Self.noneStopped(cluster))
                // The runner did it, not the watchdog.
                let entries = LedgerStore(stateDirectory: "\(directory)/state").all()
                #expect(
                    entries.allSatisfy { $0.state == .reverted && $0.note?.hasPrefix("the watchdog") != true },
                    "\(entries.map(\.summary))")
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
