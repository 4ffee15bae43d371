import GameDayCore
import Testing

@Suite struct UserGroupTests {
    static let base = """
        drill: g
        probe: { request: { url: "{{gateway.url}}" } }
        faults: [{ name: f, kind: kill-process, unit: beijing, service: product }]
        cutover: { request: { method: POST, url: "{{control_plane.url}}/v1/cutovers" } }
        recovery: { rto: 5s }
        """

    @Test func groupsSpreadEvenlyOverTheUnitsRangesAndOnlyItsOwnIds() {
        var rule = RoutingRule.storefront
        rule.overrides = ["5250": "hangzhou"]
        let ids = UserGroupSpec(count: 20, unit: "beijing").ids(under: rule, excluding: [6000])
        #expect(ids.count == 20)
        #expect(Set(ids).count == 20)
        #expect(ids.allSatisfy { rule.unit(for: $0) == "beijing" })
        #expect(!ids.contains(5250), "an id overridden to another unit is not beijing's")
        #expect(!ids.contains(6000), "an id already listed is not generated again")
        #expect(ids.first == 5125)
        #expect(ids.last == 9875)
        // Spread: consecutive ids are about 250 apart over beijing's 5000 slots.
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $1 - $0 >= 240 && $1 - $0 <= 260 })
    }

    @Test func aUnitWithSeveralRangesGetsUsersInEach() {
        let rule = RoutingRule(ranges: [
            RouteRange(from: 0, to: 99, unit: "a"), RouteRange(from: 100, to: 199, unit: "b"),
            RouteRange(from: 200, to: 299, unit: "a"),
        ])
        let ids = UserGroupSpec(count: 4, unit: "a").ids(under: rule)
        #expect(ids == [25, 75, 225, 275])
        #expect(UserGroupSpec(count: 500, unit: "a").ids(under: rule).count == 200, "no more than the unit has")
    }

    @Test func theLoaderReadsGroupsAndTheirResolutionNamesEachUser() throws {
        let yaml =
            Self.base + """

                users:
                  - { id: 50, home: hangzhou }
                  - { generate: 3, unit: beijing, name: bj, impact: fail, recovers_on: hangzhou }
                """
        let drill = try DrillLoader.parseDrill(yaml: yaml, file: "g.yaml")
        #expect(drill.users.map(\.id) == ["50"])
        #expect(drill.userGroups.map(\.count) == [3])
        let resolved = drill.resolvingUserGroups(with: .storefront)
        #expect(resolved.users.map(\.name) == ["user-50", "bj-1", "bj-2", "bj-3"])
        #expect(
            resolved.users.dropFirst().allSatisfy {
                $0.impact == .fail && $0.recoversOn == "hangzhou" && $0.home == "beijing"
            })
        #expect(resolved.userGroups.isEmpty)
    }

    @Test func aGroupMixedWithOneUsersKeysIsRefused() {
        let yaml = Self.base + "\nusers: [{ generate: 3, unit: beijing, id: 7 }, { generate: 2 }, { name: x }]\n"
        do {
            _ = try DrillLoader.parseDrill(yaml: yaml, file: "g.yaml")
            Issue.record("accepted")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "g.yaml:6:43: error: 'id' names one user; a generated group ('generate:') takes 'unit' instead",
                    "g.yaml:6:48: error: missing required key 'unit' in 'users[1]'",
                    "g.yaml:6:65: error: missing required key 'id' in 'users[2]'",
                ])
        }
    }

    @Test func theValidatorChecksTheGroupsUnitAgainstTheTarget() throws {
        let yaml = Self.base + "\nusers: [{ generate: 3, unit: bejing, recovers_on: hangzhou }]\n"
        let drill = try DrillLoader.parseDrill(yaml: yaml, file: "g.yaml")
        let target = Target(
            name: "lab", gatewayURL: "http://g", controlPlane: ControlPlaneTarget(url: "http://c"),
            routing: .storefront,
            units: [
                UnitTarget(
                    name: "beijing", services: [ServiceTarget(name: "product", process: .name("p"), restart: ["true"])]),
                UnitTarget(name: "hangzhou", services: []),
            ])
        let messages = DrillValidator.check(drill, against: target).map(\.message)
        #expect(
            messages.contains {
                $0.hasPrefix(
                    "users 'bejing-users' are generated for unit 'bejing', to which the routing rule of target 'lab' sends no key"
                )
            })
    }
}
