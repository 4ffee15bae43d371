import Testing

@testable import GameDayRuntime

@Suite struct KubectlPodListTests {
    @Test func readsTheFieldsFaultsNeed() throws {
        let report = try PodStatusReport.parse(KubectlFixtures.podList)
        #expect(report.pods.map(\.name) == ["orders-7d9f8c6b5-x2x4z", "orders-7d9f8c6b5-q8m2p"])
        let serving = report.pods[0]
        #expect(serving.uid == "0b5e1c7e-3f5a-4d61-9c3e-7f1d2a9b8c01")
        #expect(serving.node == "bj-node-3")
        #expect(serving.phase == "Running")
        #expect(serving.isReady)
        #expect(!serving.isTerminating)
        #expect(!serving.sharesProcessNamespace)
        #expect(serving.containers == ["app", "sidecar"])
        #expect(serving.ephemeralContainers == ["gameday-net-77aa"])
        #expect(serving.runningEphemeralContainers.isEmpty)
        #expect(serving.restartCounts == ["app": 2, "sidecar": 0])

        let leaving = report.pods[1]
        #expect(leaving.isTerminating)
        #expect(!leaving.isReady)
        #expect(leaving.sharesProcessNamespace)
        #expect(leaving.ephemeralContainers.isEmpty)
        #expect(report.serving.map(\.name) == ["orders-7d9f8c6b5-x2x4z"])
    }

    @Test func readsASinglePodToo() throws {
        let pod = try #require(try PodStatusReport.parse(KubectlFixtures.pendingPod).pods.first)
        #expect(pod.name == "orders-7d9f8c6b5-n3w9k")
        #expect(pod.node == nil)
        #expect(pod.phase == "Pending")
        #expect(!pod.isReady)
        #expect(pod.restartCounts.isEmpty)
    }

    @Test func anEmptyListIsNoPods() throws {
        let empty = #"{"apiVersion": "v1", "items": [], "kind": "List", "metadata": {"resourceVersion": ""}}"#
        #expect(try PodStatusReport.parse(empty).pods.isEmpty)
    }

    @Test func unreadableOutputSaysWhere() {
        #expect(throws: KubernetesError.unreadableOutput(what: "pods", reason: "not JSON")) {
            try PodStatusReport.parse("No resources found in shop namespace.")
        }
        #expect(throws: KubernetesError.unreadableOutput(what: "pods", reason: "no 'name' at items.0.metadata")) {
            try PodStatusReport.parse(#"{"kind": "List", "items": [{"metadata": {}}]}"#)
        }
    }

    @Test func aDebugContainerIsRunningOnlyWhileItRuns() throws {
        let name = try ContainerName("gameday-net-77aa")
        #expect(!PodNetworkFault.isRunning(name, in: try PodStatusReport.parse(KubectlFixtures.podList)))
        let running = KubectlFixtures.podList.replacingOccurrences(
            of:
                #""state": {"terminated": {"exitCode": 0, "finishedAt": "2026-11-20T10:14:03Z", "reason": "Completed","#,
            with: #""state": {"running": {"#)
        #expect(PodNetworkFault.isRunning(name, in: try PodStatusReport.parse(running)))
    }

    @Test func servingCountsReplacementsNotVictims() throws {
        let report = try PodStatusReport.parse(KubectlFixtures.podList)
        let victim: Set = ["0b5e1c7e-3f5a-4d61-9c3e-7f1d2a9b8c01"]
        #expect(!PodRevertStep.isServing(report, count: 1, excludingUIDs: victim))
        #expect(PodRevertStep.isServing(report, count: 1, excludingUIDs: ["7c2d4e6f-8a9b-4c1d-a2e3-f4a5b6c7d8e9"]))
        #expect(!PodRevertStep.isServing(report, count: 2, excludingUIDs: []))
    }
}
