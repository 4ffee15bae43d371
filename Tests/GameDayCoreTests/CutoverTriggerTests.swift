import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Synchronization
import Testing

/// `cutover.trigger`: read from the drill, and the runner's decide phase with a fake decision source.
@Suite struct CutoverTriggerLoaderTests {
    static let base = """
        drill: t
        probe: { request: { url: "{{gateway.url}}" } }
        users: [{ id: 1 }]
        faults: [{ name: f, kind: kill-process, unit: beijing, service: product }]

        """

    static func load(_ cutover: String, rollback: String = "") throws -> Drill {
        try DrillLoader.parseDrill(
            yaml: base + "cutover: { request: { url: \"{{control_plane.url}}\" }\(cutover) }\n" + rollback,
            file: "/drills/t.yaml")
    }

    static func problem(_ cutover: String, rollback: String = "") -> String {
        do {
            _ = try load(cutover, rollback: rollback)
            return "loaded"
        } catch {
            return "\(error)"
        }
    }

    @Test func theTriggerIsAutoByDefaultAndReadsPromptAndExternal() throws {
        #expect(try Self.load("").cutover?.trigger == CutoverTrigger())
        let prompt = try #require(try Self.load(", trigger: prompt, trigger_timeout: 2m").cutover?.trigger)
        #expect(prompt == CutoverTrigger(mode: .prompt, timeout: .seconds(120)))
        let external = try #require(
            try Self.load(", trigger: external, trigger_file: decisions/go, trigger_port: 8787").cutover?.trigger)
        #expect(external.mode == .external)
        #expect(external.file == "/drills/decisions/go")
        #expect(external.port == 8787)
        #expect(external.timeout == CutoverTrigger.defaultTimeout)
    }

    @Test func misplacedTriggerKeysAreRefusedWithTheirReason() {
        #expect(Self.problem(", trigger: manual").contains("unknown cut-over trigger 'manual'"))
        #expect(
            Self.problem(", trigger: prompt, trigger_port: 8787").contains(
                "'cutover.trigger_port' needs 'trigger: external'"))
        #expect(
            Self.problem(", trigger_timeout: 1m").contains(
                "'cutover.trigger_timeout' needs 'trigger: prompt' or 'external'"))
        #expect(Self.problem(", trigger: external, trigger_port: 70000").contains("a TCP port between 1 and 65535"))
        let cutback = Self.problem(
            "", rollback: "rollback: { cutback: { request: { url: \"{{control_plane.url}}\" }, trigger: prompt } }\n")
        #expect(cutback.contains("'rollback.cutback.trigger' does not belong in a cut-back"), "\(cutback)")
    }

    @Test func theWatchdogsDeadlineCountsTheWaitForTheDecision() throws {
        let auto = try Self.load("")
        let prompt = try Self.load(", trigger: prompt, trigger_timeout: 15m")
        #expect(prompt.maximumDuration - auto.maximumDuration == .seconds(900))
    }
}

/// Answers the decide phase as a test says, after an optional delay, and remembers the question.
final class FakeDecisions: CutoverDecisionSource {
    enum Answer: Sendable {
        case go, abort, never
        case unavailable(String)
    }

    let answer: Answer
    let delay: Duration
    let asked = Mutex<[CutoverQuestion]>([])

    init(_ answer: Answer, after delay: Duration = .zero) {
        self.answer = answer
        self.delay = delay
    }

    func prepare(_ trigger: CutoverTrigger) async throws(CutoverDecisionUnavailable) -> String {
        if case .unavailable(let reason) = answer { throw CutoverDecisionUnavailable(reason) }
        return "asked by the test"
    }

    func decide(_ question: CutoverQuestion) async throws -> CutoverDecision {
        asked.withLock { $0.append(question) }
        try await Task.sleep(for: delay)
        switch answer {
        case .go: return CutoverDecision(go: true, decidedBy: .operator, via: "the test")
        case .abort: return CutoverDecision(go: false, decidedBy: .operator, via: "the test")
        case .never, .unavailable:
            try await Task.sleep(for: .seconds(3600))
            throw CancellationError()
        }
    }
}

@Suite struct DrillRunnerDecideTests {
    static func drill(_ mode: CutoverTrigger.Mode = .prompt, timeout: Duration = .seconds(60)) -> Drill {
        var drill = FakeDrill.drill()
        drill.cutover?.trigger = CutoverTrigger(mode: mode, timeout: timeout)
        return drill
    }

    static func run(
        _ drill: Drill, _ decisions: (any CutoverDecisionSource)?, storefront: FakeStorefront = FakeStorefront()
    )
        async -> RunResult
    {
        let env = RunEnvironment(
            transport: storefront, faults: FakeFaultDriver(storefront: storefront), clock: ContinuousRunClock(),
            wallClock: { 1_800_000_000_000 + $0.milliseconds }, environment: { $0 == "FAKE_TOKEN" ? "s3cret" : nil },
            files: MemoryFileSystem(), reporter: EventLog(), runId: "test", ledger: MemoryLedger(transport: storefront),
            decisions: decisions)
        return await DrillRunner(drill: drill, target: FakeDrill.target, environment: env).run()
    }

    @Test func aConfirmedCutOverPassesAndTheWaitIsTheOperatorsPartOfDecide() async throws {
        let decisions = FakeDecisions(.go, after: .milliseconds(300))
        let result = await Self.run(Self.drill(), decisions)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(result.phases.map(\.name).contains(.decide))
        let decision = try #require(result.decision)
        #expect(decision.answer == .go)
        #expect(decision.decidedBy == .operator)
        #expect(decision.waitedMs >= 300)
        let rto = try #require(result.rto)
        #expect(rto.decidedBy == .operator)
        #expect(rto.decisionWaitMs == decision.waitedMs)
        // The wait is inside decide: from the first failed probe to the cut-over request.
        #expect(try #require(rto.decideMs) >= decision.waitedMs)
        #expect(try #require(result.timeline.cutoverStart?.ms) >= decision.askedMs + decision.waitedMs)
        #expect(rto.decideText { "\(Int($0))ms" }?.contains("(operator, waited ") == true)
        // The question named the failing user, the faulted unit and the request the cut-over sends.
        let question = try #require(decisions.asked.withLock { $0.first })
        #expect(question.failing.map(\.id) == ["6000"])
        #expect(question.faultedUnit == "beijing")
        #expect(
            question.actions == [
                "POST \(FakeStorefront.controlPlane)/v1/cutovers", "move the impacted users to hangzhou",
            ])
        #expect(question.lines.contains { $0.contains("6000") && $0.contains("failing since") })
    }

    @Test func aDeclinedCutOverAbortsTheRunRevertsAndSendsNothing() async throws {
        let storefront = FakeStorefront()
        let result = await Self.run(Self.drill(), FakeDecisions(.abort), storefront: storefront)
        #expect(result.outcome == .aborted)
        #expect(result.exitCode == 4)
        #expect(
            result.reason?.hasPrefix("the operator declined the cut-over (the test)") == true, "\(result.reason ?? "")")
        #expect(result.decision?.answer == .abort)
        #expect(result.cutover == nil)
        #expect(storefront.state.withLock { $0.cutovers } == 0)
        #expect(result.faults.allSatisfy { $0.state == .reverted })
    }

    @Test func noAnswerWithinTheTriggersTimeoutAbortsTheRun() async throws {
        let storefront = FakeStorefront()
        let result = await Self.run(
            Self.drill(timeout: .milliseconds(300)), FakeDecisions(.never), storefront: storefront)
        #expect(result.outcome == .aborted)
        #expect(result.reason?.contains("no decision on the cut-over within its trigger_timeout of 300ms") == true)
        let decision = try #require(result.decision)
        #expect(decision.answer == .timeout)
        #expect(decision.decidedBy == nil)
        #expect(decision.waitedMs >= 300)
        #expect(storefront.state.withLock { $0.cutovers } == 0)
        #expect(result.faults.allSatisfy { $0.state == .reverted })
    }

    @Test func aTriggerWithoutAWayToAskStopsThePreflightBeforeAnyFault() async throws {
        for decisions in [nil, FakeDecisions(.unavailable("stdin is not a terminal"))] as [FakeDecisions?] {
            let result = await Self.run(Self.drill(), decisions)
            #expect(result.outcome == .error)
            #expect(result.exitCode == 3)
            #expect(
                result.reason?.contains("the cut-over's trigger is 'prompt', but ") == true, "\(result.reason ?? "")")
            #expect(result.reason?.hasSuffix("nothing was applied") == true)
            #expect(result.faults.allSatisfy { $0.state == .notApplied })
            #expect(result.decision == nil)
        }
    }

    @Test func anAutoTriggerIsTheRunnersDecisionWithoutAWait() async throws {
        let result = await Self.run(Self.drill(.auto), nil)
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(!result.phases.map(\.name).contains(.decide))
        #expect(result.decision == nil)
        #expect(result.rto?.decidedBy == .runner)
        #expect(result.rto?.decisionWaitMs == nil)
    }
}
