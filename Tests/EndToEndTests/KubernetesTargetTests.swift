import Foundation
import GameDayTestSupport
import Testing

/// `validate`, `plan` and `run` check what becomes a kubectl argument by kubectl's rules, at the
/// line where it was written, before anything runs; the shipped Kubernetes examples are valid.
struct KubernetesTargetTests {
    @Test func valuesKubectlWouldRefuseAreReportedWhereTheyAreWritten() async throws {
        let binary = try GameDayBinary.path
        let directory = try TestLab.makeTemporaryDirectory(prefix: "gameday-k8s-target")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let target = "\(directory)/target.yaml"
        try """
        target: shop
        gateway: { url: "http://127.0.0.1:1" }
        control_plane: { url: "http://127.0.0.1:2" }
        routing: { ranges: [{ from: 0, to: 9999, unit: beijing }] }
        units:
          beijing:
            kubernetes: { namespace: Shop_BJ, context: "--token=x", tools_image: "busybox 1.36" }
            services:
              product:
                pods: { selector: "app=", container: product }
                process: { name: product }
        """.write(toFile: target, atomically: true, encoding: .utf8)
        let drill = "\(directory)/drill.yaml"
        try """
        drill: pods
        probe: { request: { url: "{{gateway.url}}/" } }
        users: [{ id: 6000 }]
        faults: [{ name: f, kind: kill-process, unit: beijing, service: product, pods: 1 }]
        """.write(toFile: drill, atomically: true, encoding: .utf8)

        let validate = try await ChildProcess.run([binary, "validate", target])
        #expect(validate.exitCode == 2, "\(validate.transcript)")
        for expected in [
            "\(target):7:30: error: invalid Kubernetes namespace 'Shop_BJ': expected a DNS-1123 label",
            "\(target):7:48: error: invalid kubeconfig context '--token=x'",
            "\(target):7:74: error: invalid container image 'busybox 1.36'",
            "\(target):10:27: error: invalid label selector",
        ] {
            #expect(validate.stderr.contains(expected), "missing \(expected) in \(validate.stderr)")
        }
        let plan = try await ChildProcess.run([binary, "plan", drill, "--target", target])
        #expect(plan.exitCode == 2, "\(plan.transcript)")
        #expect(plan.stderr.contains("\(target):7:30: error: invalid Kubernetes namespace 'Shop_BJ'"))
        #expect(plan.stderr.contains("nothing was run"))
    }

    @Test func theShippedKubernetesExamplesAreValid() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let run = try await ChildProcess.run([
            try GameDayBinary.path, "validate", "\(root)/examples/drills/k8s-product-paused.yaml", "--target",
            "\(root)/examples/targets/k8s-target.yaml",
        ])
        #expect(run.exitCode == 0, "\(run.transcript)")
        let plan = try await ChildProcess.run([
            try GameDayBinary.path, "plan", "\(root)/examples/drills/k8s-product-paused.yaml", "--target",
            "\(root)/examples/targets/k8s-target.yaml",
        ])
        #expect(plan.exitCode == 0, "\(plan.transcript)")
        #expect(
            plan.stdout.contains(
                "--context=staging-bj --namespace=shop-beijing exec <pod> --container=gameday-tools-RUN -- kill -s STOP <pid>"
            ), "\(plan.stdout)")
    }
}
