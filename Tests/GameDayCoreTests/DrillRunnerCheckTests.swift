import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Synchronization
import Testing

/// A drill's metric checks in the runner's phases, against the in-memory storefront and a fake
/// Prometheus whose answers follow the storefront's state (fakes for logic only; the lab's real
/// Prometheus runs the same drills end to end).
@Suite struct DrillRunnerCheckTests {
    /// Prometheus's API at `url`, answering every query with `value(state of the storefront, query)`
    /// (nil: no series); everything else goes to the storefront.
    final class FakePrometheus: HTTPTransport {
        static let url = "http://prometheus.test"
        let storefront: FakeStorefront
        let value: @Sendable (FakeStorefront.State, String) -> Double?
        let queries = Mutex<[(query: String, authorization: String?)]>([])
        /// Refuses every connection.
        let down: Bool
        /// A fixed answer instead of `value`'s.
        let fixed: (status: Int, body: String)?
        /// Answers only after this long while a unit is broken (as a slow Prometheus would); a
        /// cancelled wait is a cancelled transfer, as curl reports it.
        let slowWhileBroken: Duration?

        init(
            _ storefront: FakeStorefront, down: Bool = false, fixed: (status: Int, body: String)? = nil,
            slowWhileBroken: Duration? = nil,
            value: @escaping @Sendable (FakeStorefront.State, String) -> Double? = { _, _ in 0 }
        ) {
            self.storefront = storefront
            self.down = down
            self.fixed = fixed
            self.slowWhileBroken = slowWhileBroken
            self.value = value
        }

        func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
            guard request.url.hasPrefix(Self.url) else { return try await storefront.send(request) }
            if down { throw HTTPTransportError(kind: .connectionRefused, message: "connection refused") }
            let form = String(decoding: request.body ?? [], as: UTF8.self)
            let query =
                form.split(separator: "&").first { $0.hasPrefix("query=") }.map {
                    String($0.dropFirst(6)).removingPercentEncoding ?? ""
                } ?? ""
            queries.withLock {
                $0.append((query, request.headers.first { $0.name == "Authorization" }?.value))
            }
            if let fixed { return HTTPResponse(status: fixed.status, body: Array(fixed.body.utf8)) }
            if let slowWhileBroken, !storefront.state.withLock({ $0.brokenUnits.isEmpty }) {
                do {
                    try await Task.sleep(for: slowWhileBroken)
                } catch {
                    throw HTTPTransportError(kind: .cancelled, message: "the transfer was cancelled")
                }
            }
            let result =
                value(storefront.state.withLock { $0 }, query).map {
                    #"[{"metric":{"unit":"x"},"value":[1765000000,"\#($0)"]}]"#
                } ?? "[]"
            return HTTPResponse(
                status: 200,
                body: Array(#"{"status":"success","data":{"resultType":"vector","result":\#(result)}}"#.utf8))
        }
    }

    static func target(auth: Bool = true) -> Target {
        var target = FakeDrill.target
        target.prometheus = PrometheusTarget(
            url: FakePrometheus.url, token: auth ? .environment("PROM_TOKEN") : nil, timeout: .seconds(1))
        return target
    }

    static func check(
        _ name: String, unit: String, expect: String = "< 1", phases: [CheckPhase], every: Duration = .milliseconds(500)
    ) -> MetricCheck {
        MetricCheck(
            name: name, query: Template(stringLiteral: #"errors{unit="\#(unit)",drill="{{drill.name}}"}"#),
            expect: MetricComparison(parsing: expect)!, phases: phases, every: every)
    }

    /// The error rate of a unit: 3 while it is broken, else 0.
    static let errors: @Sendable (FakeStorefront.State, String) -> Double? = { state, query in
        let unit = query.contains(#"unit="beijing""#) ? "beijing" : "hangzhou"
        return state.brokenUnits.contains(unit) ? 3 : 0
    }

    static func run(
        _ drill: Drill, prometheus: FakePrometheus, target: Target = target(), token: String? = "prom-s3cret"
    ) async -> (RunResult, FakeFaultDriver) {
        let driver = FakeFaultDriver(storefront: prometheus.storefront)
        let env = RunEnvironment(
            transport: prometheus, faults: driver, clock: ContinuousRunClock(),
            wallClock: { 1_800_000_000_000 + $0.milliseconds },
            environment: { name in name == "FAKE_TOKEN" ? "s3cret" : name == "PROM_TOKEN" ? token : nil },
            files: MemoryFileSystem(), reporter: EventLog(), runId: "test",
            ledger: MemoryLedger(transport: prometheus.storefront))
        return (await DrillRunner(drill: drill, target: target, environment: env).run(), driver)
    }

    static func verdict(_ result: RunResult, _ name: String) -> Verdict? { result.verdicts.first { $0.name == name } }

    @Test func checksThatHoldInEveryPhaseAreVerdictsAndArchived() async throws {
        var drill = FakeDrill.drill()
        drill.checks = [Self.check("hangzhou-errors", unit: "hangzhou", phases: [.steadyState, .guardrail, .recovery])]
        let prometheus = FakePrometheus(FakeStorefront(), value: Self.errors)
        let (result, driver) = await Self.run(drill, prometheus: prometheus)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        for phase in ["steady_state", "guardrail", "recovery"] {
            #expect(Self.verdict(result, "check hangzhou-errors \(phase)")?.status == .pass, "\(phase)")
        }
        #expect(driver.calls == ["apply product-down", "revert product-down"])
        let record = try #require(result.checks.first)
        #expect(record.query == #"errors{unit="hangzhou",drill="fake-drill"}"#)
        #expect(record.expect == "< 1" && record.phases == [.steadyState, .guardrail, .recovery])
        let phases = Set(record.evaluations.map(\.phase))
        #expect(phases == [.steadyState, .guardrail, .recovery])
        #expect(record.evaluations.allSatisfy { $0.status == .pass && $0.value == 0 })
        // Every query carried the token; none of it is in the result.
        let queries = prometheus.queries.withLock { $0 }
        #expect(queries.allSatisfy { $0.authorization == "Bearer prom-s3cret" }, "\(queries.map(\.authorization))")
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(!json.contains("prom-s3cret"))
        // A guardrail evaluated from the fault until the revert.
        let guardrails = record.evaluations.filter { $0.phase == .guardrail }
        let fault = try #require(result.timeline.fault?.ms)
        #expect(guardrails.allSatisfy { $0.atMs >= fault - 1 }, "\(guardrails.map(\.atMs)) fault \(fault)")
    }

    @Test func aBreachedGuardrailAbortsAndRevertsAtOnce() async throws {
        var drill = FakeDrill.drill()
        // Beijing's own errors: the fault breaks beijing, so the guardrail breaches at its first evaluation.
        drill.checks = [Self.check("beijing-errors", unit: "beijing", phases: [.guardrail])]
        let storefront = FakeStorefront()
        let (result, driver) = await Self.run(drill, prometheus: FakePrometheus(storefront, value: Self.errors))
        #expect(result.outcome == .fail && result.exitCode == 1)
        let reason = result.reason ?? ""
        #expect(reason.contains("guardrail check beijing-errors breached at +"), "\(reason)")
        #expect(
            reason.contains(#"3 of {unit="x"} is not < 1"#) && reason.hasSuffix("aborted and reverted"), "\(reason)")
        #expect(Self.verdict(result, "check beijing-errors guardrail")?.status == .fail)
        #expect(driver.calls == ["apply product-down", "revert product-down"])
        #expect(storefront.state.withLock { $0.brokenUnits.isEmpty })
        let breach = try #require(result.checks.first?.evaluations.first { $0.counts == .fail })
        #expect(breach.value == 3 && breach.status == .fail && breach.phase == .guardrail)
    }

    @Test func aSteadyStateCheckThatFailsStopsTheRunBeforeAnyFault() async throws {
        var drill = FakeDrill.drill()
        drill.checks = [Self.check("baseline", unit: "hangzhou", phases: [.steadyState])]
        let prometheus = FakePrometheus(FakeStorefront()) { _, _ in 7 }
        let (result, driver) = await Self.run(drill, prometheus: prometheus)
        #expect(result.outcome == .fail)
        #expect(driver.calls.isEmpty)
        #expect(
            (result.reason ?? "").contains("check baseline: 7 of {unit=\"x\"} is not < 1"), "\(result.reason ?? "")")
        #expect((result.reason ?? "").hasSuffix("no fault was applied"))
    }

    @Test func noDataCountsAsTheDrillSays() async throws {
        for (policy, outcome) in [(NoDataPolicy.fail, RunOutcome.fail), (.pass, .pass), (.skip, .pass)] {
            var drill = FakeDrill.drill(cutover: false)
            var check = Self.check("absent", unit: "hangzhou", phases: [.steadyState])
            check.onNoData = policy
            drill.checks = [check]
            let (result, _) = await Self.run(drill, prometheus: FakePrometheus(FakeStorefront()) { _, _ in nil })
            #expect(result.outcome == outcome, "\(policy): \(result.reason ?? "")")
            let status: Verdict.Status = policy == .fail ? .fail : policy == .pass ? .pass : .skipped
            #expect(Self.verdict(result, "check absent steady_state")?.status == status, "\(policy)")
            #expect(result.checks.first?.evaluations.first?.status == .noData)
        }
    }

    @Test func aRecoveryCheckMustHoldBeforeTheRecoveryTimeout() async throws {
        var drill = FakeDrill.drill()
        drill.recovery = RecoverySpec(rto: .seconds(5), window: .consecutive(3), timeout: .seconds(2))
        drill.checks = [Self.check("drained", unit: "hangzhou", phases: [.recovery])]
        // Never holds: the backlog (say) stays high.
        let (result, driver) = await Self.run(drill, prometheus: FakePrometheus(FakeStorefront()) { _, _ in 4 })
        #expect(result.outcome == .fail)
        let verdict = try #require(Self.verdict(result, "check drained recovery"))
        #expect(verdict.status == .fail && verdict.message.contains("did not hold within the recovery timeout"))
        let evaluations = try #require(result.checks.first?.evaluations)
        // Retried every 500ms, not every probe.
        #expect(evaluations.count >= 1 && evaluations.count <= 5, "\(evaluations.count)")
        #expect(driver.calls == ["apply product-down", "revert product-down"])
    }

    @Test func whatPrometheusCannotAnswerStopsThePreflight() async throws {
        var drill = FakeDrill.drill()
        drill.checks = [Self.check("hz", unit: "hangzhou", phases: [.guardrail])]
        let (unreachable, driver) = await Self.run(drill, prometheus: FakePrometheus(FakeStorefront(), down: true))
        #expect(unreachable.outcome == .error && unreachable.exitCode == 3 && driver.calls.isEmpty)
        #expect((unreachable.reason ?? "").contains("check hz: Prometheus at http://prometheus.test did not answer"))
        #expect((unreachable.reason ?? "").hasSuffix("nothing was applied"))

        let malformed = FakePrometheus(
            FakeStorefront(),
            fixed: (400, #"{"status":"error","errorType":"bad_data","error":"1:8: parse error: unclosed left brace"}"#))
        let (bad, _) = await Self.run(drill, prometheus: malformed)
        #expect(bad.exitCode == 3)
        #expect(
            (bad.reason ?? "").contains("check hz: the query does not parse: 1:8: parse error"), "\(bad.reason ?? "")")

        let (denied, _) = await Self.run(
            drill, prometheus: FakePrometheus(FakeStorefront(), fixed: (401, "Unauthorized")))
        #expect((denied.reason ?? "").contains("Prometheus refused the credentials (401"), "\(denied.reason ?? "")")

        let (unset, _) = await Self.run(
            drill, prometheus: FakePrometheus(FakeStorefront(), value: Self.errors), token: nil)
        #expect(unset.exitCode == 3)
        #expect(
            (unset.reason ?? "").contains(
                "the Prometheus token is read from the environment variable PROM_TOKEN, which is not set"),
            "\(unset.reason ?? "")")
    }

    /// A guardrail still waiting for Prometheus when the phases end is cancelled, not failed: no
    /// evaluation is recorded for it and the run passes.
    @Test func aGuardrailCutShortByTheEndOfThePhasesIsNoBreach() async throws {
        var drill = FakeDrill.drill()
        drill.checks = [Self.check("slow", unit: "hangzhou", phases: [.guardrail])]
        let prometheus = FakePrometheus(FakeStorefront(), slowWhileBroken: .seconds(300), value: Self.errors)
        let (result, driver) = await Self.run(drill, prometheus: prometheus)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(result.checks.first?.evaluations.isEmpty == true, "\(result.checks)")
        #expect(Self.verdict(result, "check slow guardrail")?.status == .skipped)
        #expect(driver.calls == ["apply product-down", "revert product-down"])
    }

    /// A guardrail breached by the cut-over itself (the moved users' load) ends the phases after it
    /// too: the fault is reverted and the cut-over cut back.
    @Test func aGuardrailBreachedByTheCutOverAbortsAndCutsBack() async throws {
        var drill = FakeDrill.drill()
        // A recovery confirmed only after 1,000 good probes in a row (10s at 10ms): the guardrail,
        // evaluated every 500ms, is sure to be asked while the recovery waits.
        drill.recovery = RecoverySpec(rto: .seconds(15), window: .consecutive(1000), timeout: .seconds(30))
        drill.checks = [Self.check("moved-load", unit: "hangzhou", phases: [.guardrail])]
        let storefront = FakeStorefront()
        // Hangzhou's errors rise once 6000 is moved there, and never fall.
        let prometheus = FakePrometheus(storefront) { state, _ in state.overrides.isEmpty ? 0 : 3 }
        let (result, driver) = await Self.run(drill, prometheus: prometheus)
        #expect(result.outcome == .fail)
        #expect((result.reason ?? "").contains("guardrail check moved-load breached at +"), "\(result.reason ?? "")")
        #expect(Self.verdict(result, "cutover")?.status == .pass)
        #expect(result.cutback?.succeeded == true)
        #expect(storefront.state.withLock { $0.overrides.isEmpty && $0.brokenUnits.isEmpty })
        #expect(driver.calls == ["apply product-down", "revert product-down"])
        // It breached once the cut-over had moved 6000, and the rollback began on that breach.
        let breach = try #require(result.checks.first?.evaluations.first { $0.counts == .fail })
        let cutoverStart = try #require(result.timeline.cutoverStart?.ms)
        let rollback = try #require(result.phases.first { $0.name == .rollback }?.startedMs)
        #expect(breach.atMs >= cutoverStart && rollback >= breach.atMs, "\(breach.atMs) \(cutoverStart) \(rollback)")
        #expect(result.phases.contains { $0.name == .recovery })
    }
}
