import Foundation
import GameDayCore
import GameDayLab
import GameDayTestSupport
import Testing

extension LabIntegration {
    @Suite("Faults in a unit")
    struct UnitFaults {
        @Test func killedProductFailsItsUnitOnlyUntilRestarted() async throws {
            try await TestLab.withLab { lab in
                let killed = try await killService("beijing-product", in: lab)

                let failing = try await lab.gateway("/storefront?userId=6000")
                #expect(failing.status == 503)
                #expect(failing.header("X-Unit") == "beijing")
                let body = try json(failing)
                #expect(body["error"] as? String == "product service unavailable")
                #expect(body["unit"] as? String == "beijing")
                #expect(body["userId"] as? Int == 6000)
                #expect(try await lab.gateway("/storefront?userId=50").status == 200, "hangzhou is not affected")

                let status = try await lab.lab(["status"])
                #expect(status.exitCode == 1)
                #expect(status.stdout.contains("not-running"))

                let restart = try await lab.lab(["restart-service", "--service", "beijing-product"])
                #expect(restart.exitCode == 0, "\(restart.transcript)")
                let restarted = try #require(try lab.pid(of: "beijing-product"))
                #expect(restarted != killed)
                #expect(LabProcessTable.isAlive(restarted))
                #expect(try await lab.gateway("/storefront?userId=6000").status == 200)
                #expect(try await lab.lab(["status"]).exitCode == 0)
            }
        }

        @Test func killedCartDegradesButDoesNotFail() async throws {
            try await TestLab.withLab { lab in
                _ = try await killService("beijing-cart", in: lab)
                let degraded = try await lab.gateway("/storefront?userId=6000")
                #expect(degraded.status == 200)
                let page = try json(degraded)
                #expect(page["degraded"] as? Bool == true)
                #expect(page["cart"] is NSNull)
                #expect((page["products"] as? [Any])?.isEmpty == false)
                #expect(try json(try await lab.gateway("/storefront?userId=50"))["degraded"] as? Bool == false)

                #expect(try await lab.lab(["restart-service", "--service", "beijing-cart"]).exitCode == 0)
                #expect(try json(try await lab.gateway("/storefront?userId=6000"))["degraded"] as? Bool == false)
            }
        }

        @Test func killedStorefrontIsABadGatewayOfItsUnit() async throws {
            try await TestLab.withLab { lab in
                _ = try await killService("beijing-storefront", in: lab)
                let response = try await lab.gateway("/storefront?userId=6000")
                #expect(response.status == 502)
                #expect(response.header("X-Unit") == "beijing")
                #expect(try json(response)["unit"] as? String == "beijing")

                let again = try await lab.lab(["restart-service", "--service", "beijing-storefront"])
                #expect(again.exitCode == 0, "\(again.transcript)")
                let noop = try await lab.lab(["restart-service", "--service", "beijing-storefront"])
                #expect(noop.stdout.contains("already running"))
                let unknown = try await lab.lab(["restart-service", "--service", "shanghai-product"])
                #expect(unknown.exitCode != 0)
                #expect(unknown.stderr.contains("beijing-product"), "the error lists the services there are")
            }
        }
    }
}
