import GameDayCore
import GameDayTestSupport
import Testing

@Suite struct ProberTests {
    static let spec = ProbeSpec(
        request: RequestTemplate(url: "{{gateway.url}}/storefront?userId={{user.id}}"),
        success: SuccessCriteria(status: [200], headers: ["X-Unit": "hangzhou"], bodyContains: ["\"unit\""]))

    static func prober(_ transport: any HTTPTransport, spec: ProbeSpec = spec) -> Prober {
        Prober(
            spec: spec, transport: transport,
            context: TemplateContext(values: ["gateway.url": FakeStorefront.gateway], environment: { _ in nil }))
    }

    @Test func judgesStatusHeadersAndBody() {
        let prober = Self.prober(FakeStorefront())
        #expect(
            prober.judge(HTTPResponse(status: 200, headers: [("x-unit", "hangzhou")], body: Array("{\"unit\":1}".utf8)))
                == nil)
        #expect(prober.judge(HTTPResponse(status: 503)) == "status 503")
        #expect(
            prober.judge(HTTPResponse(status: 200, headers: [("X-Unit", "beijing")]))
                == "header X-Unit is beijing, expected hangzhou")
        #expect(
            prober.judge(HTTPResponse(status: 200, headers: [("X-Unit", "hangzhou")], body: []))
                == "body lacks \"unit\"")
    }

    @Test func aSampleNamesTheServingUnitAndWhyItFailed() async {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.brokenUnits = ["beijing"] }
        let prober = Self.prober(storefront, spec: ProbeSpec(request: Self.spec.request))
        let clock = InstantClock(start: .seconds(3))
        let failed = await prober.probe(TestUser(id: 6000), clock: clock)
        #expect(failed.ok == false)
        #expect(failed.status == 503)
        #expect(failed.unit == "beijing")
        #expect(failed.failure == "status 503")
        #expect(failed.sentAt == .seconds(3))
        let fine = await prober.probe(TestUser(id: 50), clock: clock)
        #expect(fine.ok)
        #expect(fine.unit == "hangzhou")
        #expect(storefront.state.withLock { $0.requests.last } == "GET http://gateway.test/storefront?userId=50")
    }

    @Test func anUnreachableGatewayIsAFailedSampleWithTheReason() async {
        let prober = Prober(
            spec: Self.spec, transport: FakeStorefront(),
            context: TemplateContext(values: ["gateway.url": "http://nowhere.test"], environment: { _ in nil }))
        let sample = await prober.probe(TestUser(id: 1), clock: InstantClock())
        #expect(sample.ok == false)
        #expect(sample.status == nil)
        #expect(sample.failure == "connection refused")
    }
}
