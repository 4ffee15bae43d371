import GameDayCore
import GameDayTestSupport
import Testing

@Suite struct CutoverClientTests {
    static let auth = [HeaderTemplate(name: "Authorization", value: "Bearer {{control_plane.token}}")]
    static let spec = CutoverSpec(
        request: RequestTemplate(
            method: "POST", url: "{{control_plane.url}}/v1/cutovers", headers: auth,
            body: .object([
                ("from", .string("beijing")), ("to", .string("hangzhou")), ("users", .array([.integer(6000)])),
            ])),
        accept: [202], idField: "id",
        poll: PollSpec(
            request: RequestTemplate(url: "{{control_plane.url}}/v1/cutovers/{{cutover.id}}", headers: auth),
            interval: .milliseconds(100), timeout: .seconds(2)))

    static func context(token: String = "s3cret") -> TemplateContext {
        TemplateContext(
            values: ["control_plane.url": FakeStorefront.controlPlane], secrets: ["control_plane.token": token],
            environment: { _ in nil })
    }

    static func client(_ storefront: FakeStorefront, clock: InstantClock = InstantClock()) -> CutoverClient {
        CutoverClient(transport: storefront, clock: clock, redact: { $0.replacing("s3cret", with: "***") })
    }

    @Test func followsTheTaskUntilDoneAndRedactsTheToken() async {
        let storefront = FakeStorefront()
        let record = await Self.client(storefront).execute(Self.spec, context: Self.context())
        #expect(record.error == nil)
        #expect(record.succeeded)
        #expect(record.id == "c-1")
        #expect(record.status == 202)
        #expect(record.states.map(\.state) == ["done"])
        #expect(record.request?.headers["Authorization"] == "Bearer ***")
        #expect(record.request?.body == "{\"from\":\"beijing\",\"to\":\"hangzhou\",\"users\":[6000]}")
        #expect(
            storefront.state.withLock { $0.requests } == [
                "POST http://control-plane.test/v1/cutovers", "GET http://control-plane.test/v1/cutovers/c-1",
            ])
    }

    @Test func aWrongTokenIsA401ThatSaysWhereTheTokenComesFrom() async {
        let record = await Self.client(FakeStorefront()).execute(Self.spec, context: Self.context(token: "wrong"))
        #expect(!record.succeeded)
        #expect(record.status == 401)
        #expect(record.error?.contains("refused the request with 401") == true)
        #expect(record.error?.contains("control_plane.token") == true)
    }

    @Test func a500CarriesTheBodyWithSecretsRemoved() async {
        let storefront = FakeStorefront()
        storefront.state.withLock {
            $0.cutoverStatus = 500
            $0.cutoverBody = "internal error while handling Bearer s3cret"
        }
        let record = await Self.client(storefront).execute(Self.spec, context: Self.context())
        #expect(
            record.error
                == "the control plane failed with 500 at http://control-plane.test/v1/cutovers: internal error while handling Bearer ***"
        )
    }

    @Test func garbageInsteadOfJSONIsReported() async {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.cutoverBody = "<html>oops</html>" }
        let record = await Self.client(storefront).execute(Self.spec, context: Self.context())
        #expect(record.error == "the control plane answered 202 with a body that is not JSON: <html>oops</html>")
    }

    @Test func anAnswerWithoutTheIdFieldIsReported() async {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.cutoverBody = "{\"task\":\"c-9\"}" }
        let record = await Self.client(storefront).execute(Self.spec, context: Self.context())
        #expect(record.error?.hasPrefix("the control plane's answer has no 'id' field (id_field)") == true)
    }

    @Test func aCutOverThatNeverFinishesTimesOutWithItsLastState() async {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.pollState = "sync_wait" }
        let clock = InstantClock()
        let record = await Self.client(storefront, clock: clock).execute(Self.spec, context: Self.context())
        #expect(!record.succeeded)
        #expect(record.error == "the cut-over was not done after 2s (last state 'sync_wait')")
        #expect(clock.now() >= .seconds(2))
    }

    @Test func aStatusURLThatRefusesTheTokenStopsPollingAtOnce() async {
        var spec = Self.spec
        spec.poll?.request.headers = [HeaderTemplate(name: "Authorization", value: "Bearer expired")]
        let storefront = FakeStorefront()
        let clock = InstantClock()
        let record = await Self.client(storefront, clock: clock).execute(spec, context: Self.context())
        #expect(!record.succeeded)
        #expect(record.id == "c-1")
        #expect(
            record.error
                == "the control plane refused the request with 401 at http://control-plane.test/v1/cutovers/c-1: check the token given by the target's control_plane.token"
        )
        // One poll, not thirty seconds of them.
        #expect(storefront.state.withLock { $0.requests.count } == 2)
        #expect(clock.now() < .seconds(1))
    }

    @Test func aFailedStateEndsTheCutOver() async {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.pollState = "failed" }
        let record = await Self.client(storefront).execute(Self.spec, context: Self.context())
        #expect(record.error == "the control plane reports the cut-over failed")
    }

    @Test func anUnreachableControlPlaneIsReported() async {
        let context = TemplateContext(
            values: ["control_plane.url": "http://down.test"], secrets: ["control_plane.token": "s3cret"],
            environment: { _ in nil })
        let record = await Self.client(FakeStorefront()).execute(Self.spec, context: context)
        #expect(
            record.error
                == "the control plane could not be reached at http://down.test/v1/cutovers: connection refused (http://down.test/v1/cutovers)"
        )
    }

    @Test func aMissingEnvironmentSecretStopsBeforeSending() async {
        var spec = Self.spec
        spec.request.headers = [HeaderTemplate(name: "Authorization", value: "Bearer ${CP_TOKEN}")]
        let storefront = FakeStorefront()
        let record = await Self.client(storefront).execute(spec, context: Self.context())
        #expect(
            record.error
                == "could not build the cut-over request: the environment variable CP_TOKEN is not set; export it before running the drill"
        )
        #expect(storefront.state.withLock { $0.requests }.isEmpty)
    }
}
