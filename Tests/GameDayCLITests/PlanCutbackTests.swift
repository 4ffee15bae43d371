import Foundation
import GameDayCore
import GameDayRuntime
import Testing

@testable import GameDayCLI

/// `plan` names the task each poll follows: the cut-back's poll follows the cut-back's own task.
@Suite struct PlanCutbackTests {
    @Test func theCutBacksPollShowsTheCutBacksOwnId() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let drill = try DrillLoader.loadDrill(
            path: repository.appendingPathComponent("drills/storefront-strong-dependency.yaml").path)
        let target = try DrillLoader.loadTarget(
            path: repository.appendingPathComponent("Tests/GameDayCoreTests/Fixtures/valid/target.yaml").path)
        let text = PlanRenderer(
            drill: drill, target: target,
            faults: DrillSession.faults(
                runId: "plan", drill: drill, watchdogTimeout: .seconds(10), hosts: SSHHostSession(runId: "plan"))
        ).render()
        let parts = text.components(separatedBy: "\n   cut back\n")
        try #require(parts.count == 2, "\(text)")
        #expect(parts[0].contains("/v1/cutovers/<cut-over id>"), "\(parts[0])")
        #expect(parts[1].contains("poll GET http://127.0.0.1:9301/v1/cutovers/<cut-back id> every 50ms"), "\(parts[1])")
        #expect(!parts[1].contains("<cut-over id>"), "\(parts[1])")
    }
}
