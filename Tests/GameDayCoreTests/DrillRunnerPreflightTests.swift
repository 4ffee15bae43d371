import GameDayCore
import GameDayTestSupport
import Testing

/// Nothing is harmed before a mistake in the files is found: every request renders, and the
/// control plane accepts the credentials, before any fault.
@Suite struct DrillRunnerPreflightTests {
    /// The fake target with a `control_plane.check` that needs the token.
    static func checkedTarget() -> Target {
        var target = DrillRunnerTests.target
        target.controlPlane.check = RequestTemplate(
            url: "{{control_plane.url}}/v1/rules",
            headers: [HeaderTemplate(name: "Authorization", value: "Bearer {{control_plane.token}}")])
        return target
    }

    static func run(_ drill: Drill, target: Target, token: String?, storefront: FakeStorefront) async -> (
        RunResult, FakeFaultDriver, EventLog
    ) {
        let driver = FakeFaultDriver(storefront: storefront)
        let log = EventLog()
        let env = RunEnvironment(
            transport: storefront, faults: driver, clock: ContinuousRunClock(),
            wallClock: { 1_800_000_000_000 + $0.milliseconds }, environment: { $0 == "FAKE_TOKEN" ? token : nil },
            files: MemoryFileSystem(), reporter: log, runId: "test",
            ledger: MemoryLedger(transport: storefront))
        return (await DrillRunner(drill: drill, target: target, environment: env).run(), driver, log)
    }

    @Test func aGatewayNamingTheUnitInTheBodyOnlyIsRefusedByAHeaderDrillWithTheHeaderNamed() async throws {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.unitInHeader = false }
        let (result, driver, _) = await Self.run(
            DrillRunnerTests.drill(), target: DrillRunnerTests.target, token: "s3cret", storefront: storefront)
        #expect(result.outcome == .error)
        #expect(result.exitCode == 3)
        #expect(
            result.reason
                == "user 6000's answer names no unit (no X-Unit header), but the routing rule sends it to beijing: "
                + "the probe reads the unit from the X-Unit header; if the gateway names it elsewhere, say where in "
                + "the drill's probe.unit_from ({ header: NAME } or { body: /json/pointer })")
        #expect(driver.calls.isEmpty)
    }

    @Test func aDrillReadingTheUnitFromTheBodyRunsAgainstTheSameGateway() async throws {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.unitInHeader = false }
        var drill = DrillRunnerTests.drill()
        drill.probe.unitFrom = .body(try JSONPointer("/unit"))
        let (result, _, _) = await Self.run(
            drill, target: DrillRunnerTests.target, token: "s3cret", storefront: storefront)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        let moved = try #require(result.users.first { $0.id == "6000" })
        #expect(moved.servedBefore == "beijing" && moved.servedAfter == "hangzhou")
        #expect(result.users.first { $0.id == "50" }?.servedAfter == "hangzhou")

        // A pointer to nothing: the preflight says where it looked.
        drill.probe.unitFrom = .body(try JSONPointer("/data/unit"))
        let (missing, _, _) = await Self.run(
            drill, target: DrillRunnerTests.target, token: "s3cret", storefront: FakeStorefront())
        #expect(
            missing.reason?.hasPrefix(
                "user 6000's answer names no unit (no unit at /data/unit), but the routing rule sends it to beijing: "
                    + "the probe reads the unit from /data/unit of the JSON body;") == true, "\(missing.reason ?? "")")
    }

    @Test func aWrongTokenIsRefusedByTheCheckBeforeAnyFault() async throws {
        let storefront = FakeStorefront()
        let (result, driver, _) = await Self.run(
            DrillRunnerTests.drill(), target: Self.checkedTarget(), token: "wrong", storefront: storefront)
        #expect(result.outcome == .error)
        #expect(result.exitCode == 3)
        #expect(
            result.reason
                == "the control plane refused the credentials (401 to GET http://control-plane.test/v1/rules): check the token given by the target's control_plane.token; nothing was applied"
        )
        #expect(driver.calls.isEmpty)
        #expect(!(result.reason ?? "").contains("wrong"))
    }

    @Test func theRightTokenIsVerifiedAndTheVerdictSaysSo() async throws {
        let (result, _, _) = await Self.run(
            DrillRunnerTests.drill(), target: Self.checkedTarget(), token: "s3cret", storefront: FakeStorefront())
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        let preflight = try #require(result.verdicts.first { $0.name == "preflight" })
        #expect(
            preflight.message.contains(
                "control plane reachable (credentials accepted by GET http://control-plane.test/v1/rules: 200)"))
    }

    @Test func withoutACheckThePreflightSaysTheCredentialsWereNotVerified() async throws {
        let (result, _, log) = await Self.run(
            DrillRunnerTests.drill(), target: DrillRunnerTests.target, token: "s3cret", storefront: FakeStorefront())
        #expect(result.outcome == .pass)
        #expect(result.verdicts.first?.message.contains("control plane reachable (credentials not verified)") == true)
        #expect(log.lines.contains { $0.hasPrefix("note control plane: its credentials were NOT verified") })
    }

    @Test func anUnsetVariableInTheCutOverIsFoundBeforeAnyFault() async throws {
        var drill = DrillRunnerTests.drill()
        drill.cutover?.request.headers.append(HeaderTemplate(name: "X-Api-Key", value: "${CUTOVER_KEY}"))
        let storefront = FakeStorefront()
        let (result, driver, _) = await Self.run(
            drill, target: DrillRunnerTests.target, token: "s3cret", storefront: storefront)
        #expect(result.exitCode == 3)
        #expect(
            result.reason
                == "the cut-over request cannot be rendered: the environment variable CUTOVER_KEY is not set; export it before running the drill; nothing was applied"
        )
        #expect(driver.calls.isEmpty)
    }

    @Test func anUnsetVariableInTheCutBacksPollIsFoundBeforeAnyFault() async throws {
        var drill = DrillRunnerTests.drill()
        drill.rollback.cutback?.poll = PollSpec(
            request: RequestTemplate(url: "{{control_plane.url}}/v1/cutovers/{{cutover.id}}?key=${POLL_KEY}"))
        let (result, driver, _) = await Self.run(
            drill, target: DrillRunnerTests.target, token: "s3cret", storefront: FakeStorefront())
        #expect(result.exitCode == 3)
        #expect(
            result.reason?.hasPrefix("the cut-back poll request cannot be rendered: the environment variable POLL_KEY")
                == true)
        #expect(driver.calls.isEmpty)
    }
}
