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

    /// The keys of the rule's cells that the preflight sent through the gateway (not the drill's
    /// users), and the preflight's verdict.
    static func sampled(_ target: Target, _ storefront: FakeStorefront) async throws -> (keys: Int, verdict: String) {
        let (result, _, _) = await Self.run(
            DrillRunnerTests.drill(), target: target, token: "s3cret", storefront: storefront)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        let users = Set(DrillRunnerTests.drill().users.map(\.id))
        let keys = storefront.state.withLock { $0.requests }.filter { $0.hasPrefix("GET \(FakeStorefront.gateway)") }
            .compactMap { $0.split(separator: "=").last.map(String.init) }.filter { !users.contains($0) }
        let preflight = try #require(result.verdicts.first { $0.name == "preflight" })
        return (Set(keys).count, preflight.message)
    }

    /// The preflight samples `routing.sample` keys of every cell of the rule (3 unless the target
    /// says), none with `sample: 0`, and never more than `DrillRunner.sampleLimit` in all.
    @Test func theRuleIsSampledThreeKeysACellByDefaultNoneWithZeroAndAtMostThreeHundred() async throws {
        var target = DrillRunnerTests.target
        #expect(target.keySample == 3)
        let cells = target.routing.cells.count
        let byDefault = try await Self.sampled(target, FakeStorefront())
        #expect(byDefault.keys == 3 * cells)
        #expect(byDefault.verdict.contains("\(3 * cells) sampled keys of \(cells) cells routed as the rule says"))

        target.keySample = 0
        let none = try await Self.sampled(target, FakeStorefront())
        #expect(none.keys == 0)
        #expect(none.verdict.contains("rule not sampled (routing.sample: 0)"), "\(none.verdict)")

        // 120 ranges of 3 keys each: 360, of which the first 300 are sent. 6000 stays beijing's, 50 hangzhou's.
        let ranges = (0..<120).map {
            RouteRange(from: $0 * 100, to: $0 * 100 + 99, unit: $0 < 60 ? "hangzhou" : "beijing")
        }
        let wide = RoutingRule(modulo: 12000, ranges: ranges, overrides: [:])
        target.routing = wide
        target.keySample = 3
        let capped = try await Self.sampled(target, FakeStorefront(rule: wide))
        #expect(DrillRunner.sampleLimit == 300)
        #expect(wide.cells.count == 120)
        #expect(capped.keys == 300)
        #expect(
            capped.verdict.contains("300 sampled keys (of 360) of 100 cells routed as the rule says"),
            "\(capped.verdict)")
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
