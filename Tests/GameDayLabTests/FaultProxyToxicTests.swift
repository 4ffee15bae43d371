import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

@testable import GameDayLab

extension LabIntegration {
    /// Toxics on beijing's `product` and `cart` proxies, seen by users through the gateway:
    /// 6000 is served by beijing, 50 by hangzhou.
    @Suite("Fault proxy toxics through the storefront")
    struct FaultProxyToxics {
        @Test func latencyDelaysOnlyTheFaultedUnitsUsers() async throws {
            try await TestLab.withLab { lab in
                let admin = try FaultProxyAdmin(lab)
                // Below the storefront's 500 ms dependency timeout, so the page still comes.
                try await admin.addToxic(#"{"type":"latency","attributes":{"latency":300}}"#)
                for _ in 0..<3 {
                    let (beijing, slow) = try await timed { try await lab.gateway("/storefront?userId=6000") }
                    #expect(beijing.status == 200)
                    #expect(slow >= .milliseconds(300), "\(slow)")
                }
                var fastest = Duration.seconds(60)
                for _ in 0..<3 {
                    let (hangzhou, elapsed) = try await timed { try await lab.gateway("/storefront?userId=50") }
                    #expect(hangzhou.status == 200)
                    fastest = min(fastest, elapsed)
                }
                #expect(fastest < .milliseconds(300), "hangzhou has no toxic; fastest of 3 took \(fastest)")
            }
        }

        @Test func timeoutMakesTheStrongDependencyUnavailable() async throws {
            try await TestLab.withLab { lab in
                let admin = try FaultProxyAdmin(lab)
                try await admin.addToxic(#"{"type":"timeout","attributes":{"timeout":0}}"#)
                let failing = try await lab.gateway("/storefront?userId=6000")
                #expect(failing.status == 503)
                #expect(try json(failing)["error"] as? String == "product service unavailable")
                #expect(try await lab.gateway("/storefront?userId=50").status == 200)

                #expect(try await admin.call("DELETE", "/proxies/product/toxics/timeout_downstream").status == 204)
                #expect(try await lab.gateway("/storefront?userId=6000").status == 200)
            }
        }

        @Test func resetPeerOnProductFailsTheFaultedUnitOnly() async throws {
            try await TestLab.withLab { lab in
                try await FaultProxyAdmin(lab).addToxic(#"{"type":"reset_peer"}"#)
                #expect(try await lab.gateway("/storefront?userId=6000").status == 503)
                #expect(try await lab.gateway("/storefront?userId=50").status == 200)
            }
        }

        @Test func aToxicWithToxicityZeroActsOnNoConnection() async throws {
            try await TestLab.withLab { lab in
                try await FaultProxyAdmin(lab).addToxic(#"{"type":"timeout","toxicity":0}"#)
                #expect(try await lab.gateway("/storefront?userId=6000").status == 200)
            }
        }

        @Test func disablingProductFailsUntilEnabledAndDisablingCartDegrades() async throws {
            try await TestLab.withLab { lab in
                let admin = try FaultProxyAdmin(lab)
                try await admin.setEnabled(false, proxy: "product")
                #expect(try await lab.gateway("/storefront?userId=6000").status == 503)
                #expect(try await lab.gateway("/storefront?userId=50").status == 200)
                try await admin.setEnabled(true, proxy: "product")
                #expect(try await lab.gateway("/storefront?userId=6000").status == 200)

                try await admin.setEnabled(false, proxy: "cart")
                let degraded = try await lab.gateway("/storefront?userId=6000")
                #expect(degraded.status == 200)
                #expect(try json(degraded)["degraded"] as? Bool == true)
            }
        }

        @Test func resetEnablesEveryProxyAndRemovesEveryToxic() async throws {
            try await TestLab.withLab { lab in
                let admin = try FaultProxyAdmin(lab)
                try await admin.addToxic(#"{"type":"latency","attributes":{"latency":100}}"#)
                try await admin.addToxic(#"{"type":"timeout","stream":"upstream"}"#)
                try await admin.setEnabled(false, proxy: "cart")
                #expect(try await lab.gateway("/storefront?userId=6000").status == 503)

                #expect(try await admin.call("POST", "/reset").status == 204)
                let proxies = try await admin.object("GET", "/proxies")
                #expect(Set(proxies.keys) == ["product", "cart"])
                for (name, value) in proxies {
                    let proxy = try #require(value as? [String: Any])
                    #expect(proxy["enabled"] as? Bool == true, "\(name)")
                    #expect((proxy["toxics"] as? [Any])?.isEmpty == true, "\(name)")
                }
                let page = try await lab.gateway("/storefront?userId=6000")
                #expect(page.status == 200)
                #expect(try json(page)["degraded"] as? Bool == false)
            }
        }

        @Test func restartingAKilledFaultProxyRecreatesItsProxies() async throws {
            try await TestLab.withLab { lab in
                let admin = try FaultProxyAdmin(lab)
                _ = try await killService("beijing-fault-proxy", in: lab)
                #expect(try await lab.gateway("/storefront?userId=6000").status == 503)
                #expect(try await lab.gateway("/storefront?userId=50").status == 200)

                let restart = try await lab.lab(["restart-service", "--service", "beijing-fault-proxy"])
                #expect(restart.exitCode == 0, "\(restart.transcript)")
                let proxies = try await admin.object("GET", "/proxies")
                #expect(Set(proxies.keys) == ["product", "cart"])
                #expect(try await lab.gateway("/storefront?userId=6000").status == 200)
                #expect(try await lab.lab(["status"]).exitCode == 0)
            }
        }
    }
}
