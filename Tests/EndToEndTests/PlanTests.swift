import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

@Suite(.serialized) struct PlanTests {
    @Test func thePlanShowsEveryPhaseTheExactCommandsAndNoSecret() async throws {
        try await TestLab.withLab { lab in
            let productPid = try lab.pid(of: "beijing-product")
            let plan = try await ChildProcess.run(
                [lab.binary, "plan", DrillRun.shipped("storefront-strong-dependency"), "--target", lab.targetPath])
            #expect(plan.exitCode == 0, "\(plan.transcript)")
            let text = plan.stdout
            for phase in [
                "1. preflight", "2. steady state", "3. inject", "4. observe", "5. cut over", "6. verify recovery",
                "7. roll back", "8. archive",
            ] {
                #expect(text.contains(phase), "missing \(phase)")
            }
            #expect(
                text.contains(
                    "apply:  kill -s KILL <pid>   (<pid> from pid file \(lab.runDirectory)/beijing-product.pid)"))
            #expect(
                text.contains(
                    "revert: \(lab.binary) lab restart-service --run-dir \(lab.runDirectory) --service beijing-product")
            )
            #expect(text.contains("probe 6000: GET \(lab.gatewayURL)/storefront?userId=6000"))
            #expect(text.contains("POST \(lab.controlPlaneURL)/v1/cutovers"))
            #expect(text.contains("Authorization: Bearer ***"))
            #expect(text.contains("{\"from\":\"beijing\",\"to\":\"hangzhou\",\"users\":[6000]}"))
            #expect(!text.contains(lab.token))
            // The lab's target names a check of the credentials; the plan shows it, redacted.
            #expect(
                text.contains(
                    "which must answer 2xx: GET \(lab.controlPlaneURL)/v1/rules | Authorization: Bearer ***"), "\(text)"
            )
            // A port block finds no process.
            let blocked = try await ChildProcess.run(
                [lab.binary, "plan", DrillRun.shipped("storefront-product-blocked"), "--target", lab.targetPath])
            #expect(
                blocked.stdout.contains(
                    "   check that product-port-blocked (block-port on beijing/product) can be applied"))
            #expect(!blocked.stdout.contains(" by -"), "\(blocked.stdout)")
            // A drill with canaries shows who writes them, how, and how they are read back.
            let orders = try await ChildProcess.run(
                [lab.binary, "plan", DrillRun.shipped("order-unit-failure"), "--target", lab.targetPath])
            #expect(orders.exitCode == 0, "\(orders.transcript)")
            #expect(orders.stdout.contains("RPO: from the steady state, a canary every 100ms for 6000"))
            #expect(orders.stdout.contains("POST \(lab.gatewayURL)/orders?userId=6000"))
            #expect(orders.stdout.contains("{\"item\":\"canary\",\"seq\":\"1\",\"tag\":\"<run id>\"}"))
            #expect(orders.stdout.contains("GET \(lab.gatewayURL)/orders?userId=6000&tag=<run id>"))
            #expect(orders.stdout.contains("goal RPO 0ms"))

            // Nothing was changed: the product process is the same one.
            #expect(try lab.pid(of: "beijing-product") == productPid)
            #expect(try lab.groundTruth().isEmpty)
        }
    }
}
