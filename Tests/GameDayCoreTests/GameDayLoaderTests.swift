import Foundation
import GameDayTestSupport
import Testing

@testable import GameDayCore

/// Game-day files: read with their drills and variables, every problem located, and the stop policy.
@Suite struct GameDayLoaderTests {
    static let drill = """
        drill: d-{{vars.n}}
        probe: { request: { url: "{{gateway.url}}/x?u={{user.id}}" } }
        users: [{ id: 6000 }]
        faults: [{ name: a, kind: kill-process, unit: "{{vars.unit}}", service: product, restart: false }]

        """

    static func files(_ gameDay: String, drills: [String: String] = [:]) -> MemoryFileSystem {
        var contents = ["/g/gamedays/morning.yaml": gameDay]
        for (name, text) in drills { contents["/g/drills/\(name)"] = text }
        return MemoryFileSystem(contents)
    }

    @Test func readsTheOrderPausesPolicyAndEachDrillsVariables() throws {
        let files = Self.files(
            """
            gameday: morning
            stop_on: never
            pause: 3s
            vars: { unit: beijing }
            drills:
              - drill: ../drills/one.yaml
                vars: { n: 1 }
                pause: 10s
              - drill: ../drills/one.yaml
                vars: { n: 2, unit: hangzhou }
              - drill: /g/drills/one.yaml
                vars: { n: 3 }
            """, drills: ["one.yaml": Self.drill])
        var usage = VariableUsage()
        let loaded = DrillLoader.loadGameDay(
            path: "/g/gamedays/morning.yaml", target: nil, variables: Variables(), usage: &usage, from: files)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics)")
        let plan = try #require(loaded.plan)
        #expect(plan.name == "morning" && plan.stopOn == .never && plan.pause == .seconds(3))
        #expect(plan.entries.map(\.drill) == ["/g/drills/one.yaml", "/g/drills/one.yaml", "/g/drills/one.yaml"])
        #expect(
            plan.pause(after: 0) == .seconds(10) && plan.pause(after: 1) == .seconds(3) && plan.pause(after: 2) == .zero
        )
        #expect(loaded.drills.map(\.name) == ["d-1", "d-2", "d-3"])
        #expect(loaded.drills.map { $0.faults[0].unit } == ["beijing", "hangzhou", "beijing"])
        #expect(usage.names == ["n", "unit"])
    }

    @Test func everyProblemOfEveryFileIsReportedAtItsPlace() {
        let files = Self.files(
            """
            gameday: morning
            stop_on: always
            vars: { spare: 1 }
            drills:
              - drill: ../drills/one.yaml
                vars: { n: 1, unit: beijing, extra: x }
              - drill: ../drills/missing.yaml
              - drill: ../drills/bad.yaml
                vars: { n: 2, unit: beijing }
                wait: 5s
            """, drills: ["one.yaml": Self.drill, "bad.yaml": Self.drill + "observe: { duration: 5 }\n"])
        var usage = VariableUsage()
        let loaded = DrillLoader.loadGameDay(
            path: "/g/gamedays/morning.yaml", target: nil, variables: Variables(), usage: &usage, from: files)
        let messages = loaded.diagnostics.map(\.description)
        #expect(loaded.plan == nil, "an unknown stop policy and an unknown key make the game day unreadable")
        #expect(
            messages.contains {
                $0.hasPrefix("/g/gamedays/morning.yaml:2:") && $0.contains("unknown 'stop_on' 'always'")
            }, "\(messages)")
        #expect(
            messages.contains { $0.hasPrefix("/g/gamedays/morning.yaml:10:") && $0.contains("wait") }, "\(messages)")

        let fixed = Self.files(
            """
            gameday: morning
            vars: { spare: 1 }
            drills:
              - drill: ../drills/one.yaml
                vars: { n: 1, unit: beijing, extra: x }
              - drill: ../drills/missing.yaml
              - drill: ../drills/bad.yaml
                vars: { n: 2, unit: beijing }
            """, drills: ["one.yaml": Self.drill, "bad.yaml": Self.drill + "observe: { duration: 5 }\n"])
        var again = VariableUsage()
        let read = DrillLoader.loadGameDay(
            path: "/g/gamedays/morning.yaml", target: nil, variables: Variables(), usage: &again, from: fixed)
        let problems = read.diagnostics.map(\.description)
        #expect(read.drills.map(\.name) == ["d-1"])
        #expect(
            problems.contains {
                $0.hasPrefix("/g/gamedays/morning.yaml:5:") && $0.contains("variable 'extra' is never used")
            }, "\(problems)")
        #expect(
            problems.contains { $0.hasPrefix("/g/drills/missing.yaml:1:1") && $0.contains("does not exist") },
            "\(problems)")
        #expect(
            problems.contains { $0.hasPrefix("/g/drills/bad.yaml:5:") && $0.contains("expected a duration") },
            "\(problems)")
        // A drill that could not be read may have used the game day's variable: it is not called unused.
        #expect(!problems.contains { $0.contains("'spare'") }, "\(problems)")
    }

    @Test func aGameDayVariableNoDrillUsesIsAnError() {
        let files = Self.files(
            """
            gameday: morning
            vars: { unit: beijing, spare: 1 }
            drills: [{ drill: ../drills/one.yaml, vars: { n: 1 } }]
            """, drills: ["one.yaml": Self.drill])
        var usage = VariableUsage()
        let loaded = DrillLoader.loadGameDay(
            path: "/g/gamedays/morning.yaml", target: nil, variables: Variables(), usage: &usage, from: files)
        #expect(
            loaded.diagnostics.map(\.description).contains {
                $0.hasPrefix("/g/gamedays/morning.yaml:2:") && $0.contains("'spare' is never used")
            })
    }

    @Test func aDrillFileAndAGameDayFileAreToldApart() {
        let files = Self.files(
            "gameday: morning\ndrills: [{ drill: ../drills/one.yaml }]\n", drills: ["one.yaml": Self.drill])
        #expect(DrillLoader.kind(ofFileAt: "/g/gamedays/morning.yaml", from: files) == .gameDay)
        #expect(DrillLoader.kind(ofFileAt: "/g/drills/one.yaml", from: files) == .drill)
        #expect(DrillLoader.kind(ofFileAt: "/g/nothing.yaml", from: files) == .drill)
    }

    @Test func theStopPolicySaysAfterWhichOutcomeTheGameDayStops() {
        let outcomes: [RunOutcome] = [.pass, .fail, .error, .invalid, .aborted]
        #expect(outcomes.map(GameDayPlan.StopPolicy.fail.stops(after:)) == [false, true, true, true, true])
        #expect(outcomes.map(GameDayPlan.StopPolicy.error.stops(after:)) == [false, false, true, true, true])
        #expect(outcomes.map(GameDayPlan.StopPolicy.never.stops(after:)) == [false, false, false, false, true])
    }

    @Test func theGameDaysOutcomeIsItsWorstDrillsAndAnInterruptAborts() {
        func result(_ statuses: [(GameDayResult.DrillRecord.Status, RunOutcome?)], interrupted: Bool = false)
            -> GameDayResult
        {
            var result = GameDayResult(
                gameDayId: "g", gameDay: .init(name: "g", file: "g.yaml"), target: .init(name: "t", file: "t.yaml"),
                startedAt: "2026-12-05T12:00:00.000Z", stopOn: .fail)
            result.drills = statuses.enumerated().map { index, pair in
                var record = GameDayResult.DrillRecord(drill: "d\(index)", file: "d\(index).yaml", status: pair.0)
                record.outcome = pair.1
                return record
            }
            result.conclude(interrupted: interrupted, stoppedBy: nil)
            return result
        }
        #expect(result([(.ran, .pass), (.ran, .pass)]).outcome == .pass)
        #expect(result([(.ran, .pass), (.ran, .fail), (.skipped, nil)]).exitCode == 1)
        #expect(result([(.ran, .fail), (.refused, nil)]).outcome == .error)
        #expect(result([(.ran, .pass), (.skipped, nil)], interrupted: true).outcome == .aborted)
        #expect(result([(.ran, .fail)]).reason == "d0: fail")
    }

    @Test func oneJUnitFileHoldsASuitePerDrillAndTheSkippedOnes() throws {
        let run = try RunResult.read(
            Data(contentsOf: URL(fileURLWithPath: Fixture.path("results/v3-storefront-strong-dependency.json"))))
        let one = JUnitReport.render(run)
        let xml = JUnitReport.render(
            [run, run], name: "gameday morning", skipped: [("order-unit-failure", "skipped: stopped")])
        #expect(xml.components(separatedBy: "<testsuite ").count - 1 == 3)
        let cases = one.components(separatedBy: "<testcase ").count - 1
        #expect(xml.contains(#"<testsuites name="gameday morning" tests="\#(2 * cases + 1)""#), "\(xml.prefix(200))")
        #expect(xml.contains(#"<skipped message="skipped: stopped"/>"#))
        // One run alone is the file it always was.
        #expect(one.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>\#n<testsuites name="gameday" tests=""#))
    }
}
