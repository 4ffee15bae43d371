import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// `KubectlExecutor` run for real, through `LocalExecutor`, against `FakeKubectl`: the argv that
/// reaches kubectl, exit codes, and the mapping of kubectl's failures. No cluster is involved.
@Suite struct KubectlExecutorTests {
    func executor(_ fake: FakeKubectl, pod: String, container: String = "app") throws -> KubectlExecutor {
        let connection = try KubectlConnection(program: fake.program, context: KubeContext("drill"))
        let plan = KubectlPlan(connection: connection, namespace: try KubernetesNamespace("shop"))
        return KubectlExecutor(plan: plan, pod: try PodName(pod), container: try ContainerName(container))
    }

    @Test func kubectlReceivesExactlyThePlannedArgv() async throws {
        let fake = try FakeKubectl()
        defer { fake.remove() }
        let executor = try executor(fake, pod: "web-0")
        let output = try await executor.run(
            ["nft", "add", "chain", "inet", "t", "c", "{ type filter hook input ; }"],
            timeout: .seconds(10))
        #expect(output.exitCode == 0)
        #expect(output.stdout == "out\n")
        #expect(
            try fake.calls() == [
                [
                    "--context=drill", "--namespace=shop", "exec", "web-0", "--container=app", "--", "nft", "add",
                    "chain", "inet", "t", "c", "{ type filter hook input ; }",
                ]
            ])
    }

    @Test func theCommandsExitCodeAndStderrComeBackWithoutKubectlsLine() async throws {
        let fake = try FakeKubectl()
        defer { fake.remove() }
        let output = try await executor(fake, pod: "exit-3").run(["false"], timeout: .seconds(10))
        #expect(output.exitCode == 3)
        #expect(output.stdout == "partial\n")
        #expect(output.stderr == "boom\n")
    }

    @Test(arguments: [
        ("gone", KubectlFailure.podNotFound, "the pod does not exist"),
        ("locked", .forbidden, "RBAC forbids it"),
        ("unreachable", .apiServerUnreachable, "the API server is unreachable"),
    ])
    func kubectlsOwnFailuresAreThrownNamingThePod(pod: String, failure: KubectlFailure, says: String) async throws {
        let fake = try FakeKubectl()
        defer { fake.remove() }
        let executor = try executor(fake, pod: pod)
        do {
            _ = try await executor.execute(["true"], timeout: .seconds(10))
            Issue.record("expected kubectl's failure")
        } catch {
            #expect(error.failure == failure)
        }
        do {
            _ = try await executor.run(["true"], timeout: .seconds(10))
            Issue.record("expected a CommandError")
        } catch {
            #expect(error.message.hasPrefix("k8s:drill/shop/\(pod)/app: \(says)"))
            #expect(error.argv == ["true"])
        }
    }

    @Test func aTimeoutIsReturnedNotClassified() async throws {
        let fake = try FakeKubectl()
        defer { fake.remove() }
        // Long enough for the fake to have written its sleep's pid on a loaded machine (a CI run took
        // 10 s to return from a 500 ms timeout), short beside the sleep's 30 s.
        let output = try await executor(fake, pod: "hang").run(["sleep", "30"], timeout: .seconds(3))
        #expect(output.timedOut)
        // What the timeout guarantees is that kubectl and what it started were killed, not how soon.
        let pid = try #require(
            Int32(
                try String(contentsOfFile: fake.directory + "/hang.pid", encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)))
        #expect(await Scratch.eventually { !ProcessTable().isAlive(pid) }, "the fake's sleep \(pid) is still running")
    }

    @Test func aMissingKubectlOrAnEmptyCommandDoesNotRun() async throws {
        let plan = KubectlPlan(
            connection: try KubectlConnection(program: "/nonexistent/kubectl"),
            namespace: try KubernetesNamespace("shop"))
        let executor = KubectlExecutor(plan: plan, pod: try PodName("web-0"), container: try ContainerName("app"))
        await #expect(throws: CommandError.self) { try await executor.run(["true"], timeout: .seconds(5)) }
        await #expect(throws: CommandError.self) { try await executor.run([], timeout: .seconds(5)) }
    }

    @Test func aPauseRunsEndToEndAgainstTheFake() async throws {
        let fake = try FakeKubectl()
        defer { fake.remove() }
        let connection = try KubectlConnection(program: fake.program, context: KubeContext("drill"))
        let plan = KubectlPlan(connection: connection, namespace: try KubernetesNamespace("shop"))
        let local = LocalExecutor()

        // Find the service's pods, then the process in the first one.
        let listing = try await local.run(plan.listPods(try LabelSelector("app=orders")), timeout: .seconds(10))
        let pods = try PodStatusReport.parse(listing.stdout).serving
        #expect(pods.map(\.name) == ["orders-7d9f8c6b5-x2x4z"])

        let fault = PodProcessFault(
            plan: plan, pod: try PodName("app"), container: try ContainerName("app"),
            process: try PodProcessName("orders"))
        let pids = try fault.pids(fromPidof: try await local.run(fault.locate(), timeout: .seconds(10)))
        #expect(pids == [7, 12])
        for argv in fault.pause(pids: pids).apply {
            #expect(try await local.run(argv, timeout: .seconds(10)).exitCode == 0)
        }
        #expect(
            try fake.calls() == [
                [
                    "--context=drill", "--namespace=shop", "get", "pods", "--selector=app=orders",
                    "--field-selector=status.phase=Running", "--output=json",
                ],
                ["--context=drill", "--namespace=shop", "exec", "app", "--container=app", "--", "pidof", "orders"],
                [
                    "--context=drill", "--namespace=shop", "exec", "app", "--container=app", "--", "kill", "-s", "STOP",
                    "7", "12",
                ],
            ])

        // PID 1 is refused before any signal is sent.
        let pidOneFault = PodProcessFault(
            plan: plan, pod: try PodName("app-pid1"), container: try ContainerName("app"),
            process: try PodProcessName("orders"))
        #expect(throws: KubernetesError.protectedInit(pod: "app-pid1", container: "app", process: "orders")) {
            try pidOneFault.pids(fromPidof: CommandOutput(exitCode: 0, stdout: "1\n"))
        }
        let pidOne = try await local.run(pidOneFault.locate(), timeout: .seconds(10))
        #expect(throws: KubernetesError.self) { try pidOneFault.pids(fromPidof: pidOne) }
    }

    @Test func aRevertOfAVanishedPodIsNothingLeft() async throws {
        let fake = try FakeKubectl()
        defer { fake.remove() }
        let connection = try KubectlConnection(program: fake.program)
        let plan = KubectlPlan(connection: connection, namespace: try KubernetesNamespace("shop"))
        let fault = PodProcessFault(
            plan: plan, pod: try PodName("gone"), container: try ContainerName("app"),
            process: try PodProcessName("orders"))
        let step = try #require(fault.pause(pids: [7]).revert.first)
        guard case .command(let argv, _, _) = step else {
            Issue.record("expected a command step")
            return
        }
        let output = try await LocalExecutor().run(argv, timeout: .seconds(10))
        #expect(step.outcome(of: output) == .nothingLeft(.podNotFound))
        let locked = PodRevertStep.command(
            plan.exec(try PodName("locked"), container: try ContainerName("app"), ["kill", "-s", "CONT", "7"]),
            alreadyDone: ["No such process"], doneWhen: [.podNotFound])
        guard case .command(let lockedArgv, _, _) = locked else { return }
        let refused = try await LocalExecutor().run(lockedArgv, timeout: .seconds(10))
        #expect(
            locked.outcome(of: refused)
                == .failed(KubectlFailure.forbidden.explanation + " (kubectl: \(refused.lastLine))"))
    }
}
