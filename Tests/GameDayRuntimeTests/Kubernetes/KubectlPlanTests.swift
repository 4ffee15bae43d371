import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// Every kubectl command line, compared whole.
@Suite struct KubectlPlanTests {
    static let connection = try! KubectlConnection(
        program: "/usr/bin/kubectl", kubeconfig: "/etc/gameday/kubeconfig", context: KubeContext("beijing-prod"))
    static let plan = KubectlPlan(connection: connection, namespace: try! KubernetesNamespace("shop"))
    static let prefix = [
        "/usr/bin/kubectl", "--kubeconfig=/etc/gameday/kubeconfig", "--context=beijing-prod", "--namespace=shop",
    ]
    let plan = Self.plan
    let prefix = Self.prefix
    let pod = try! PodName("orders-7d9f8c6b5-x2x4z")
    let app = try! ContainerName("app")

    @Test func withoutKubeconfigOrContextKubectlDecides() throws {
        let plan = KubectlPlan(connection: try KubectlConnection(), namespace: try KubernetesNamespace("shop"))
        #expect(
            plan.getPod(pod) == [
                "kubectl", "--namespace=shop", "get", "pod", "orders-7d9f8c6b5-x2x4z", "--output=json",
            ])
        #expect(
            KubectlExecutor(plan: plan, pod: pod, container: app).name == "k8s:default/shop/orders-7d9f8c6b5-x2x4z/app")
    }

    @Test func listsTheRunningPodsOfAService() throws {
        let selector = try LabelSelector("app=orders, unit in (beijing)")
        #expect(
            plan.listPods(selector)
                == prefix + [
                    "get", "pods", "--selector=app=orders,unit in (beijing)", "--field-selector=status.phase=Running",
                    "--output=json",
                ])
        #expect(
            plan.listPods(selector, runningOnly: false)
                == prefix + ["get", "pods", "--selector=app=orders,unit in (beijing)", "--output=json"])
    }

    @Test func execPutsTheCommandAfterTheDoubleDash() {
        #expect(
            plan.exec(pod, container: app, ["kill", "-s", "STOP", "7"])
                == prefix + ["exec", "orders-7d9f8c6b5-x2x4z", "--container=app", "--", "kill", "-s", "STOP", "7"])
        let executor = KubectlExecutor(plan: plan, pod: pod, container: app)
        #expect(executor.name == "k8s:beijing-prod/shop/orders-7d9f8c6b5-x2x4z/app")
        #expect(
            executor.commandLine(for: ["-rf", "$HOME"]) == prefix + [
                "exec", "orders-7d9f8c6b5-x2x4z", "--container=app", "--", "-rf", "$HOME",
            ])
    }

    @Test func deletingAPodLetsTheKubeletKillItWithoutForce() {
        #expect(
            plan.deletePod(pod)
                == prefix + ["delete", "pod", "orders-7d9f8c6b5-x2x4z", "--grace-period=1", "--wait=false"])
        #expect(plan.deletePod(pod, gracePeriodSeconds: 0).contains("--grace-period=1"))
        #expect(!plan.deletePod(pod).contains("--force"))
    }

    @Test func waitsForReadyInWholeSeconds() {
        #expect(
            plan.waitReady(pod, timeout: .milliseconds(90_500))
                == prefix + ["wait", "pod/orders-7d9f8c6b5-x2x4z", "--for=condition=Ready", "--timeout=91s"])
        #expect(KubectlPlan.seconds(.zero) == 1)
        #expect(KubectlPlan.seconds(.seconds(120)) == 120)
    }

    @Test func pausesAndResumesAProcessFromTheAppContainer() throws {
        let fault = PodProcessFault(plan: plan, pod: pod, container: app, process: try PodProcessName("orders"))
        let exec = prefix + ["exec", "orders-7d9f8c6b5-x2x4z", "--container=app", "--"]
        #expect(fault.locate() == exec + ["pidof", "orders"])
        let steps = fault.pause(pids: [7, 12])
        #expect(steps.apply == [exec + ["kill", "-s", "STOP", "7", "12"]])
        #expect(steps.proof == [exec + ["cat", "/proc/7/stat"], exec + ["cat", "/proc/12/stat"]])
        #expect(
            steps.revert == [
                .command(
                    exec + ["kill", "-s", "CONT", "7", "12"], alreadyDone: ["No such process"],
                    doneWhen: [.podNotFound, .containerNotRunning, .containerNotFound])
            ])
    }

    @Test func killsAProcessFromADebugContainerAndWaitsForTheRestart() throws {
        let fault = PodProcessFault(
            plan: plan, pod: pod, container: app, process: try PodProcessName("java"),
            toolsContainer: try ContainerName("gameday-tools-8f3a"))
        let exec = prefix + ["exec", "orders-7d9f8c6b5-x2x4z", "--container=gameday-tools-8f3a", "--"]
        let steps = fault.kill(pids: [42], readyTimeout: .seconds(90))
        #expect(steps.apply == [exec + ["kill", "-s", "KILL", "42"]])
        #expect(
            steps.proof == [
                prefix + ["get", "pod", "orders-7d9f8c6b5-x2x4z", "--output=json"], exec + ["pidof", "java"],
            ])
        #expect(
            steps.revert == [
                .command(
                    prefix + ["wait", "pod/orders-7d9f8c6b5-x2x4z", "--for=condition=Ready", "--timeout=90s"],
                    alreadyDone: [], doneWhen: [.podNotFound])
            ])
        #expect(fault.executor().name == "k8s:beijing-prod/shop/orders-7d9f8c6b5-x2x4z/gameday-tools-8f3a")
    }

    @Test func aToolsContainerTargetsTheAppContainer() throws {
        let tools = try PodProcessFault.startTools(
            plan: plan, pod: pod, container: app, image: try ContainerImage("busybox:1.36"), run: "8f3a",
            lifetime: .seconds(900))
        #expect(tools.name.value == "gameday-tools-8f3a")
        #expect(
            tools.start
                == prefix + [
                    "debug", "orders-7d9f8c6b5-x2x4z", "--image=busybox:1.36", "--target=app",
                    "--container=gameday-tools-8f3a", "--profile=general", "--quiet", "--", "sleep", "900",
                ])
        #expect(throws: KubernetesError.self) {
            try PodProcessFault.startTools(
                plan: plan, pod: pod, container: app, image: try ContainerImage("busybox"),
                run: String(repeating: "a", count: 60))
        }
    }

    @Test func theDebugContainerCanBeADeadMansSwitch() throws {
        let fault = PodNetworkFault(
            plan: plan, pod: pod, target: app, debugImage: try ContainerImage("nicolaka/netshoot:v0.13"),
            lifetime: .seconds(1800))
        let debug = try fault.debugContainer(run: "8f3a", switchTable: "gameday_8f3a_0")
        #expect(
            debug.start
                == prefix + [
                    "debug", "orders-7d9f8c6b5-x2x4z", "--image=nicolaka/netshoot:v0.13", "--target=app",
                    "--container=gameday-net-8f3a", "--profile=netadmin", "--quiet", "--", "sh", "-c",
                    #"sleep "$1"; nft delete table inet "$2" 2>/dev/null; exit 0"#, "gameday-switch", "1800",
                    "gameday_8f3a_0",
                ])
        #expect(throws: KubernetesError.self) { try fault.debugContainer(run: "8f3a", switchTable: "t; reboot") }
        #expect(throws: KubernetesError.self) { try fault.debugContainer(run: "8f3a", switchTable: "-t") }
    }

    @Test func theSwitchScriptPassesItsValuesAsParametersNotCode() async throws {
        // Run the constant script with sh here, a recording nft first on PATH: the table arrives
        // as one argument, exactly as given.
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try FakeKubectl.writeExecutable(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/nft.args\"\n", to: scratch.path("nft"))
        let output = try await LocalExecutor().run(
            [
                "/usr/bin/env", "PATH=\(scratch.directory):/usr/bin:/bin", "sh", "-c", PodNetworkFault.switchScript,
                "gameday-switch", "0", "gameday_8f3a_0",
            ], timeout: .seconds(10))
        #expect(output.exitCode == 0)
        let args = try String(contentsOfFile: scratch.path("nft.args"), encoding: .utf8)
        #expect(args == "delete\ntable\ninet\ngameday_8f3a_0\n")
    }

    @Test func deletesPodsAndWaitsForReplacements() throws {
        let report = try PodStatusReport.parse(KubectlFixtures.podList)
        let fault = PodDeletionFault(
            plan: plan, selector: try LabelSelector("app=orders"), victims: [report.pods[0]], servingBefore: 2)
        let steps = try fault.steps()
        #expect(
            steps.apply == [prefix + ["delete", "pod", "orders-7d9f8c6b5-x2x4z", "--grace-period=1", "--wait=false"]])
        #expect(steps.proof == [prefix + ["get", "pod", "orders-7d9f8c6b5-x2x4z", "--output=json"]])
        #expect(
            steps.revert == [
                .awaitServing(
                    prefix + ["get", "pods", "--selector=app=orders", "--output=json"], count: 2,
                    excludingUIDs: ["0b5e1c7e-3f5a-4d61-9c3e-7f1d2a9b8c01"])
            ])
    }

    @Test func networkFaultsRunInANetadminDebugContainer() throws {
        let fault = PodNetworkFault(
            plan: plan, pod: pod, target: app, debugImage: try ContainerImage("nicolaka/netshoot:v0.13"),
            lifetime: .seconds(1800))
        let debug = try fault.debugContainer(run: "8f3a")
        #expect(
            debug.start
                == prefix + [
                    "debug", "orders-7d9f8c6b5-x2x4z", "--image=nicolaka/netshoot:v0.13", "--target=app",
                    "--container=gameday-net-8f3a", "--profile=netadmin", "--quiet", "--", "sleep", "1800",
                ])
        #expect(debug.executor.name == "k8s:beijing-prod/shop/orders-7d9f8c6b5-x2x4z/gameday-net-8f3a")
        #expect(
            debug.executor.commandLine(for: ["nft", "delete", "table", "inet", "gameday_8f3a_0"])
                == prefix + [
                    "exec", "orders-7d9f8c6b5-x2x4z", "--container=gameday-net-8f3a", "--", "nft", "delete", "table",
                    "inet", "gameday_8f3a_0",
                ])
    }

    @Test func recoverUsesAFreshDebugContainerAndToleratesAMissingTable() throws {
        let fault = PodNetworkFault(
            plan: plan, pod: pod, target: app, debugImage: try ContainerImage("nicolaka/netshoot:v0.13"))
        let recovery = try fault.recoverTable("gameday_8f3a_0", run: "8f3a", attempt: 2)
        #expect(
            recovery.start
                == prefix + [
                    "debug", "orders-7d9f8c6b5-x2x4z", "--image=nicolaka/netshoot:v0.13", "--target=app",
                    "--container=gameday-rec2-8f3a", "--profile=netadmin", "--quiet", "--", "sleep", "120",
                ])
        #expect(
            recovery.revert
                == .command(
                    prefix + [
                        "exec", "orders-7d9f8c6b5-x2x4z", "--container=gameday-rec2-8f3a", "--", "nft", "delete",
                        "table", "inet", "gameday_8f3a_0",
                    ], alreadyDone: ["No such file or directory"], doneWhen: [.podNotFound]))
        #expect(throws: KubernetesError.self) { try fault.recoverTable("gameday;x", run: "8f3a") }
        #expect(throws: KubernetesError.self) { try fault.recoverTable("t", run: "Run_ID") }
    }

    @Test func networkFaultsAreRefusedWithoutADebugImage() {
        let fault = PodNetworkFault(plan: plan, pod: pod, target: app, debugImage: nil)
        #expect(throws: KubernetesError.networkFaultsNotConfigured(pod: "orders-7d9f8c6b5-x2x4z")) {
            try fault.debugContainer(run: "8f3a")
        }
        let message = KubernetesError.networkFaultsNotConfigured(pod: "orders-7d9f8c6b5-x2x4z").description
        #expect(message.contains("configure a debug image that has nft and tc"))
    }
}
