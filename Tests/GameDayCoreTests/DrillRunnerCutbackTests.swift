import GameDayCore
import GameDayTestSupport
import Testing

/// A rollback never makes things worse: the routing is cut back only when the cut-over may have
/// moved someone, never beside the cut-over's own running task, and never to a unit that is not
/// healthy again.
@Suite struct DrillRunnerCutbackTests {
    static func cutbacks(_ storefront: FakeStorefront) -> [String] {
        storefront.state.withLock { $0.requests }.filter { $0.hasSuffix("/v1/cutback") }
    }

    @Test func aRefusedCutOverIsNotCutBack() async throws {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.cutoverStatus = 500 }
        let (result, _, _) = await DrillRunnerTests.run(DrillRunnerTests.drill(), storefront: storefront)
        #expect(DrillRunnerTests.verdict(result, "cutover") == .fail)
        #expect(result.cutback == nil)
        #expect(Self.cutbacks(storefront).isEmpty, "a cut-back was sent for a cut-over that moved nobody")
        #expect(DrillRunnerTests.verdict(result, "rollback") == .pass)
    }

    @Test func whetherACutOverMayHaveMovedAnyone() {
        var record = CutoverRecord()
        #expect(!record.mayHaveMoved(accepting: [202]), "never sent")
        record.startedAt = .seconds(1)
        #expect(record.mayHaveMoved(accepting: [202]), "sent, and no answer said otherwise")
        record.status = 401
        #expect(!record.mayHaveMoved(accepting: [202]), "refused")
        record.status = 202
        #expect(record.mayHaveMoved(accepting: [202]), "accepted, whatever its task did next")
    }

    /// A cut-over whose answer never came may have moved someone, and has no task to follow: it is
    /// cut back.
    @Test func aCutOverWhoseAnswerWasLostIsCutBack() async throws {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.cutoverAnswerLost = true }
        let (result, _, log) = await DrillRunnerTests.run(DrillRunnerTests.drill(), storefront: storefront)
        #expect(DrillRunnerTests.verdict(result, "cutover") == .fail)
        #expect(Self.cutbacks(storefront).count == 1)
        #expect(
            log.lines.contains("note no task of the cut-over to follow: cutting back, as it may have moved someone"))
        #expect(storefront.state.withLock { $0.overrides.isEmpty })
    }

    @Test func aUnitWhoseFaultWasNotRevertedKeepsItsUsersWhereTheyAreServed() async throws {
        let storefront = FakeStorefront()
        let driver = FakeFaultDriver(storefront: storefront, failRevert: true)
        let (result, _, log) = await DrillRunnerTests.run(
            DrillRunnerTests.drill(), storefront: storefront, faults: driver)
        #expect(result.outcome == .fail)
        #expect(result.exitCode == 1)
        #expect(Self.cutbacks(storefront).isEmpty)
        let withheld = try #require(result.cutback?.withheld)
        #expect(withheld.hasPrefix("beijing is not healthy again (a fault could not be reverted)"), "\(withheld)")
        #expect(withheld.contains("run 'gameday recover --target "))
        // 6000 stays on hangzhou, which serves it, rather than going back to a broken beijing.
        #expect(storefront.state.withLock { $0.overrides } == [6000: "hangzhou"])
        let rollback = try #require(result.verdicts.first { $0.name == "rollback" })
        #expect(rollback.status == .fail)
        #expect(rollback.message.contains("cut-back withheld: beijing is not healthy again"))
        #expect(log.lines.contains { $0.hasPrefix("problem cut-back withheld: beijing") })
    }

    @Test func anInterruptedCutOverIsFollowedToItsEndBeforeTheCutBack() async throws {
        let storefront = FakeStorefront()
        // The control plane's task runs for five more polls after the interrupt.
        storefront.state.withLock {
            $0.pollState = "sync_wait"
            $0.pollsUntilDone = 5
        }
        // Room for those polls on a machine starved by the tests beside this one: the follow's
        // deadline is the poll's timeout from the cut-over's start (2s in the fake drill).
        var drill = DrillRunnerTests.drill()
        drill.cutover?.steps[0].action.poll?.timeout = .seconds(60)
        let (result, _, log) = await DrillRunnerInterruptTests.run(
            drill, interruptingAt: "phase cutover", storefront: storefront)
        #expect(result.outcome == .aborted)
        #expect(log.lines.contains("note waiting for cut-over c-1 to finish before cutting back"), "\(log.lines)")
        let requests = storefront.state.withLock { $0.requests }
        let lastPoll = try #require(requests.lastIndex { $0.hasSuffix("/v1/cutovers/c-1") })
        let cutback = try #require(requests.firstIndex { $0.hasSuffix("/v1/cutback") })
        #expect(lastPoll < cutback, "the cut-back was sent while the cut-over's task still ran")
        #expect(result.cutover?.succeeded == true)
        #expect(result.cutback?.succeeded == true)
        #expect(storefront.state.withLock { $0.overrides.isEmpty })
    }

    @Test func aCutOverThatNeverFinishesIsNotCutBackBesideIt() async throws {
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.pollState = "sync_wait" }  // never done
        let (result, _, _) = await DrillRunnerInterruptTests.run(
            DrillRunnerTests.drill(), interruptingAt: "phase cutover", storefront: storefront)
        #expect(result.outcome == .aborted)
        #expect(Self.cutbacks(storefront).isEmpty)
        let withheld = try #require(result.cutback?.withheld)
        #expect(withheld.hasPrefix("cut-over c-1 has not finished (last state 'sync_wait')"), "\(withheld)")
    }
}
