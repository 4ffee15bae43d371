import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Proxy faults against a real lab's fault proxy, and the refusals against a scripted API.
@Suite struct ProxyFaultDriverTests {
    static func fault(_ toxic: ProxyToxic, proxy: String = "cart") -> FaultSpec {
        FaultSpec(
            name: "cart-\(toxic.name)", unit: "beijing", service: "",
            action: .proxy(ProxyFaultSpec(proxy: proxy, toxic: toxic)))
    }

    @Test func aDisabledProxyRefusesConnectionsUntilTheRevertEnablesIt() async throws {
        try await TestLab.withLab { lab in
            let target = try DrillLoader.loadTarget(path: lab.targetPath)
            let driver = ProxyFaultDriver(runId: "t1")
            let fault = Self.fault(.down)
            #expect(try await driver.check(fault, in: target).hasPrefix("proxy cart ("))
            let recipe = try await driver.recipe(for: fault, in: target)
            let applied = try await driver.apply(fault, in: target)
            #expect(applied.effect.hasPrefix("proxy cart disabled"))
            // Cart is a weak dependency: beijing's storefront degrades but still answers.
            let degraded = try await lab.gateway("/storefront?userId=6000")
            #expect(degraded.status == 200)
            #expect(degraded.bodyText.contains("\"degraded\":true"))
            #expect(try await driver.revert(applied, in: target) == "proxy cart enabled again")
            let healthy = try await lab.gateway("/storefront?userId=6000")
            #expect(healthy.bodyText.contains("\"degraded\":false"))
            // The ledger's recipe alone is safe to run again.
            #expect(try await RecipeRunner().run(recipe) == "proxy cart enabled again")
        }
    }

    @Test func theLedgerRecipeRemovesAToxicLeftByAKilledRun() async throws {
        try await TestLab.withLab { lab in
            let target = try DrillLoader.loadTarget(path: lab.targetPath)
            let driver = ProxyFaultDriver(runId: "t2")
            let fault = Self.fault(.timeout(.zero), proxy: "product")
            let recipe = try await driver.recipe(for: fault, in: target)
            _ = try await driver.apply(fault, in: target)
            #expect(try await lab.gateway("/storefront?userId=6000").status == 503)
            _ = try await RecipeRunner().run(recipe)
            #expect(try await lab.gateway("/storefront?userId=6000").status == 200)
            // Twice is fine: the toxic is gone (404 counts as done).
            _ = try await RecipeRunner().run(recipe)
        }
    }

    @Test func aProxyCarryingTheControlPlaneIsRefused() async throws {
        let api = ToxiproxyClientTests.ScriptedAPI([
            "GET /proxies/cp": (
                200, #"{"name":"cp","listen":"127.0.0.1:7000","upstream":"127.0.0.1:9301","enabled":true,"toxics":[]}"#
            )
        ])
        let target = Target(
            name: "t", gatewayURL: "http://127.0.0.1:9300",
            controlPlane: ControlPlaneTarget(url: "http://127.0.0.1:9301"),
            routing: .storefront, units: [UnitTarget(name: "beijing", services: [], proxyURL: ToxiproxyClientTests.url)]
        )
        await #expect(
            throws: FaultError(
                "fault cart-latency would slow or cut proxy cp, which carries the control plane: the runner would cut itself off"
            )
        ) {
            try await ProxyFaultDriver(runId: "t3", transport: api).check(
                Self.fault(.latency(.seconds(1), jitter: .zero), proxy: "cp"), in: target)
        }
    }
}
