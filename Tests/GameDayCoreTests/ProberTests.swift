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

    @Test func theUnitMayComeFromAFieldOfTheJSONBody() async throws {
        let storefront = FakeStorefront()
        storefront.state.withLock {
            $0.unitInHeader = false
            $0.brokenUnits = ["beijing"]
        }
        let spec = ProbeSpec(request: Self.spec.request, unitFrom: .body(try JSONPointer("/unit")))
        let prober = Self.prober(storefront, spec: spec)
        let fine = await prober.probe(TestUser(id: 50), clock: InstantClock())
        #expect(fine.ok && fine.unit == "hangzhou" && fine.failure == nil)
        let failed = await prober.probe(TestUser(id: 6000), clock: InstantClock())
        #expect(!failed.ok && failed.unit == "beijing" && failed.failure == "status 503")
        // The header the drill does not name is not read.
        let byHeader = await Self.prober(storefront, spec: ProbeSpec(request: Self.spec.request))
            .probe(TestUser(id: 50), clock: InstantClock())
        #expect(byHeader.ok && byHeader.unit == nil)
    }

    @Test func anAnswerWithoutAUnitFailsOnlyWhereAUnitIsRequired() throws {
        let spec = ProbeSpec(request: Self.spec.request, unitFrom: .body(try JSONPointer("/data/unit")))
        let page = HTTPResponse(status: 200, body: Array("<html>ok</html>".utf8))
        let elsewhere = HTTPResponse(status: 200, body: Array(#"{"unit":"beijing"}"#.utf8))
        let broken = HTTPResponse(status: 503, body: Array("down".utf8))
        func sample(_ response: HTTPResponse, requiresUnit: Bool) -> ProbeSample {
            Prober(
                spec: spec, transport: FakeStorefront(),
                context: TemplateContext(values: [:], environment: { _ in nil }),
                requiresUnit: requiresUnit
            ).sample(.success(response), sentAt: .zero, latency: .zero)
        }
        // The probes of a run: a missing unit is no failure of its own.
        #expect(sample(page, requiresUnit: false) == ProbeSample(sentAt: .zero, status: 200, ok: true))
        #expect(sample(broken, requiresUnit: false).failure == "status 503")
        // The preflight, which checks each user's unit: the sample says why there is none.
        #expect(sample(page, requiresUnit: true).failure == "no unit: the body is not JSON")
        #expect(sample(elsewhere, requiresUnit: true).failure == "no unit at /data/unit")
        #expect(sample(elsewhere, requiresUnit: true).ok == false)
        #expect(sample(broken, requiresUnit: true).failure == "status 503; no unit: the body is not JSON")
        let named = HTTPResponse(status: 200, body: Array(#"{"data":{"unit":"beijing"}}"#.utf8))
        #expect(sample(named, requiresUnit: true) == ProbeSample(sentAt: .zero, status: 200, unit: "beijing", ok: true))
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
