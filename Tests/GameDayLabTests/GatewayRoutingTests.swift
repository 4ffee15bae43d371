import GameDayCore
import GameDayTestSupport
import Testing

extension LabIntegration {
    @Suite("Gateway routing")
    struct GatewayRouting {
        @Test func routesEachUserToTheUnitOfTheRule() async throws {
            try await TestLab.withLab { lab in
                let beijing = try await lab.gateway("/storefront?userId=6000")
                #expect(beijing.status == 200)
                #expect(beijing.header("X-Unit") == "beijing")
                let page = try json(beijing)
                #expect(page["unit"] as? String == "beijing")
                #expect(page["userId"] as? Int == 6000)
                #expect(page["degraded"] as? Bool == false)
                #expect((page["cart"] as? [String: Any])?["unit"] as? String == "beijing")
                #expect((page["products"] as? [Any])?.isEmpty == false)

                let hangzhou = try await lab.gateway("/storefront?userId=50")
                #expect(hangzhou.status == 200)
                #expect(hangzhou.header("X-Unit") == "hangzhou")
                #expect(try json(hangzhou)["unit"] as? String == "hangzhou")

                let wrapped = try await lab.gateway("/storefront?userId=16000")
                #expect(wrapped.header("X-Unit") == "beijing", "16000 % 10000 = 6000")

                #expect(try await lab.gateway("/health").status == 200)
            }
        }

        @Test func readsTheKeyFromQueryHeaderOrCookieInThatOrder() async throws {
            try await TestLab.withLab { lab in
                func unit(_ path: String, _ headers: [(name: String, value: String)]) async throws -> String? {
                    try await lab.gateway(path, headers: headers).header("X-Unit")
                }
                #expect(try await unit("/storefront", [("X-User-Id", "6000")]) == "beijing")
                #expect(try await unit("/storefront", [("Cookie", "userId=50")]) == "hangzhou")
                #expect(try await unit("/storefront?userId=50", [("X-User-Id", "6000")]) == "hangzhou")
                #expect(try await unit("/storefront", [("X-User-Id", "6000"), ("Cookie", "userId=50")]) == "beijing")
                #expect(try await unit("/storefront?userId=6000", [("Cookie", "userId=50")]) == "beijing")

                let page = try json(
                    try await lab.gateway("/storefront", headers: [("Cookie", "theme=dark; userId=50")]))
                #expect(page["userId"] as? Int == 50, "the storefront learns the key the gateway routed by")
            }
        }

        @Test func rejectsRequestsWithoutAUsableKey() async throws {
            try await TestLab.withLab { lab in
                let missing = try await lab.gateway("/storefront")
                #expect(missing.status == 400)
                #expect((try json(missing)["error"] as? String)?.contains("missing routing key") == true)
                #expect(missing.header("X-Unit") == nil)

                let malformed = try await lab.gateway("/storefront?userId=abc")
                #expect(malformed.status == 400)
                #expect((try json(malformed)["error"] as? String)?.contains("not an integer") == true)
                #expect(try await lab.gateway("/storefront", headers: [("X-User-Id", "6k")]).status == 400)
            }
        }
    }
}
