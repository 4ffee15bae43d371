import GameDayRuntime
import GameDayTestSupport
import Testing

@testable import GameDayCore

/// Verdict messages (what result.json and JUnit show) speak of user groups, name a few users and
/// count the rest, so they stay short however many users a drill has.
@Suite struct OutcomeVerdictGroupingTests {
    static func users(_ count: Int, group: String, from first: Int = 5000) -> [TestUser] {
        (0..<count).map { TestUser(id: first + $0, impact: .fail, group: group) }
    }

    @Test func aGroupOfOneIsItsUserAndALargerGroupIsCounted() {
        let grouped = GroupedUsers([TestUser(id: 6000, impact: .fail)] + Self.users(10, group: "beijing-sample"))
        #expect(grouped.groups.map(\.who) == ["user 6000", "10 of 10 users of beijing-sample"])
        let missing = grouped.parts { Int($0.id)! % 2 == 1 }
        #expect(missing.map(\.named) == ["5 of 10 users of beijing-sample (5001, 5003, 5005 and 2 more)"])
    }

    @Test func pastAFewGroupsTheRestAreCounted() {
        let users = (0..<10).flatMap { Self.users(100, group: "g\($0)", from: $0 * 1000) }
        let grouped = GroupedUsers(users)
        let text = GroupedUsers.list(grouped.groups.map { ($0.who, $0.users.count) })
        #expect(
            text
                == "100 of 100 users of g0, 100 of 100 users of g1, 100 of 100 users of g2, 100 of 100 users of g3, "
                + "and 6 more group(s) (600 user(s))")
        #expect(GroupedUsers.span([.milliseconds(1376), .milliseconds(1466)]) == "+1376ms to +1466ms")
        #expect(GroupedUsers.span([.milliseconds(1376)]) == "+1376ms")
    }

    /// 500 beijing users the fault does not hit (the drill expects it to) and a cut-over that
    /// moves only user 6000: impact, cutover_seen and recovery fail, each in a message of a few
    /// hundred characters, the users counted per group.
    @Test func failingVerdictsOfAThousandUsersStayShort() async throws {
        var drill = FakeDrill.drill()
        drill.probe.interval = .milliseconds(250)
        drill.steadyState = SteadyStateSpec(duration: .milliseconds(600))
        drill.observe = ObserveSpec(duration: .milliseconds(300), timeout: .seconds(1))
        drill.recovery = RecoverySpec(rto: .seconds(5), window: .consecutive(2), timeout: .milliseconds(1_500))
        drill.rollback.steadyState = .milliseconds(300)
        drill.userGroups = [
            UserGroupSpec(count: 499, unit: "beijing", name: "beijing-sample", impact: .fail, recoversOn: "hangzhou"),
            UserGroupSpec(count: 499, unit: "hangzhou", name: "hangzhou-sample", impact: .none),
        ]
        drill = drill.resolvingUserGroups(with: .storefront)
        // The fault breaks a unit nobody lives in.
        drill.faults[0].unit = "shanghai"
        let (result, _, _) = await DrillRunnerTests.run(drill)
        let messages = Dictionary(uniqueKeysWithValues: result.verdicts.map { ($0.name, $0.message) })
        #expect(result.verdicts.allSatisfy { $0.message.count <= 400 }, "\(messages)")
        let impact = try #require(messages["impact"])
        #expect(
            impact.hasPrefix("expected to fail but never did: user 6000, 499 of 499 users of beijing-sample ("),
            "\(impact)")
        #expect(impact.hasSuffix(" and 496 more) (the fault did not hit what the drill thinks it hits)"), "\(impact)")
        #expect(messages["blast_radius"] == "user 50, 499 of 499 users of hangzhou-sample never failed")
    }
}
