import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// `ToxiproxyClient` against the fault proxy of a real lab (started from the built `gameday`).
@Suite("ToxiproxyClient against a lab", .serialized)
struct ToxiproxyClientLabTests {
    @Test func aRoundTripThroughBeijingsFaultProxy() async throws {
        try await TestLab.withLab { lab in
            let client = ToxiproxyClient(url: "http://127.0.0.1:\(try lab.port(of: "beijing-fault-proxy"))")
            #expect(try await client.version().isEmpty == false)
            let proxies = try await client.proxies()
            #expect(Set(proxies.keys) == ["product", "cart"])
            #expect(proxies["product"]?.upstream == "127.0.0.1:\(try lab.port(of: "beijing-product"))")
            #expect(proxies.values.allSatisfy { $0.enabled && $0.toxics.isEmpty })

            // A latency the storefront waits out: 6000 is slow but served.
            let added = try await client.addToxic(.latency(.milliseconds(300)), to: "product")
            #expect(added == .latency(.milliseconds(300)))
            #expect(try await client.proxy(named: "product").toxics == [added])
            let clock = ContinuousClock()
            let start = clock.now
            #expect(try await lab.gateway("/storefront?userId=6000").status == 200)
            #expect(clock.now - start >= .milliseconds(300))

            await #expect(throws: ToxiproxyError.toxicExists(added.name, proxy: "product", url: client.url)) {
                try await client.addToxic(.latency(.milliseconds(10)), to: "product")
            }
            try await client.removeToxic(named: added.name, from: "product")
            await #expect(
                throws: ToxiproxyError.toxicNotFound(added.name, proxy: "product", known: [], url: client.url)
            ) {
                try await client.removeToxic(named: added.name, from: "product")
            }
            await #expect(
                throws: ToxiproxyError.proxyNotFound("products", known: ["cart", "product"], url: client.url)
            ) {
                try await client.addToxic(.timeout(.zero), to: "products")
            }

            #expect(try await client.setEnabled(false, proxy: "product").enabled == false)
            #expect(try await lab.gateway("/storefront?userId=6000").status == 503)
            #expect(try await lab.gateway("/storefront?userId=50").status == 200)
            #expect(try await client.setEnabled(true, proxy: "product").enabled)
            #expect(try await lab.gateway("/storefront?userId=6000").status == 200)

            try await client.addToxic(.timeout(.zero), to: "product")
            _ = try await client.setEnabled(false, proxy: "cart")
            #expect(try await lab.gateway("/storefront?userId=6000").status == 503)
            try await client.reset()
            let reset = try await client.proxies()
            #expect(reset.values.allSatisfy { $0.enabled && $0.toxics.isEmpty }, "\(reset)")
            #expect(try await lab.gateway("/storefront?userId=6000").status == 200)
        }
    }
}
