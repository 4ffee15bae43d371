import GameDayCore
import Testing

/// Each routing model read from a target, and each way a rule can be wrong reported where it is.
@Suite struct RoutingReaderTests {
    static func target(_ routing: String, units: [String] = ["beijing", "hangzhou", "shenzhen"]) -> String {
        """
        target: t
        gateway: { url: "http://127.0.0.1:1" }
        control_plane: { url: "http://127.0.0.1:2" }
        routing:
        \(routing.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        units:
        \(units.map { "  \($0): { services: {} }" }.joined(separator: "\n"))

        """
    }

    static func problems(_ routing: String) -> [String] {
        do {
            _ = try DrillLoader.parseTarget(yaml: target(routing), file: "t.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func readsAHashRuleWithShards() throws {
        let yaml = Self.target(
            """
            key: memberId
            model: hash
            hash: fnv1a-32
            modulo: 16
            ranges: [{ from: 0, to: 7, shard: s0 }, { from: 8, to: 15, shard: s1 }]
            shards: { s0: beijing, s1: shenzhen }
            sample: 2
            """)
        let target = try DrillLoader.parseTarget(yaml: yaml, file: "t.yaml")
        #expect(target.routing.model == .hash(.fnv1a))
        #expect(target.routing.shards == ["s0": "beijing", "s1": "shenzhen"])
        #expect(target.keySample == 2)
        #expect(target.routing.unit(for: "M100017") == "shenzhen", "fnv1a % 16 = 13")
    }

    @Test func readsAGeoRuleWhoseFencesNameTheirUnits() throws {
        let yaml = Self.target(
            """
            key: location
            model: geo
            fences:
              - { name: west, unit: shenzhen, polygon: [[20, 100], [20, 110], [30, 110], [30, 100]] }
              - { name: east, polygon: [[20, 110], [20, 120], [30, 120], [30, 110]] }
            shards: { east: hangzhou }
            default: beijing
            """)
        let rule = try DrillLoader.parseTarget(yaml: yaml, file: "t.yaml").routing
        #expect(rule.shards == ["west": "shenzhen", "east": "hangzhou"])
        #expect(rule.unit(for: "25,105") == "shenzhen")
        #expect(rule.unit(for: "50,50") == "beijing")
    }

    @Test func readsARegexRuleAsNginxWritesIt() throws {
        let yaml = Self.target(
            """
            model: regex
            rules:
              - { match: "~([5-9][0-9]{3})$", unit: beijing }
              - { suffix: "x", shard: tail }
            shards: { tail: shenzhen }
            default: { unit: hangzhou }
            """)
        let rule = try DrillLoader.parseTarget(yaml: yaml, file: "t.yaml").routing
        #expect(rule.unit(for: "6000") == "beijing")
        #expect(rule.unit(for: "12x") == "shenzhen")
        #expect(rule.unit(for: "50") == "hangzhou")
    }

    @Test func readsABusinessRuleByPathPrefix() throws {
        let yaml = Self.target(
            """
            key: path
            model: business
            rules:
              - { prefix: /api/pay, unit: beijing }
              - { prefix: /api/cart, shard: carts }
            shards: { carts: shenzhen }
            default: hangzhou
            """)
        let rule = try DrillLoader.parseTarget(yaml: yaml, file: "t.yaml").routing
        #expect(rule.model == .match(business: true))
        #expect(rule.key == "path")
        #expect(rule.unit(for: "/api/pay/orders/7") == "beijing")
        #expect(rule.unit(for: "/api/cart") == "shenzhen")
        #expect(rule.unit(for: "/api/search") == "hangzhou", "the default")
    }

    @Test func overlappingAndUncoveredRangesAreErrors() {
        #expect(
            Self.problems("ranges: [{ from: 0, to: 5000, unit: beijing }, { from: 4000, to: 8999, unit: hangzhou }]")
                == [
                    "t.yaml:5:11: error: slots 9000~9999 are in no range: cover 0~9999 or give 'default:'",
                    "t.yaml:5:50: error: range 4000~8999 overlaps range 0~5000",
                ])
        #expect(
            Self.problems(
                "ranges: [{ from: 0, to: 99, unit: beijing }, { from: 200, to: 9999, unit: hangzhou }]\ndefault: shenzhen"
            ).isEmpty, "a default covers the gap")
    }

    @Test func shardsNeedUnitsThatExist() {
        #expect(
            Self.problems(
                """
                model: hash
                modulo: 4
                ranges: [{ from: 0, to: 1, shard: s0 }, { from: 2, to: 3, shard: s1 }]
                shards: { s0: beijng, s9: hangzhou }
                """)
                == [
                    "t.yaml:7:68: error: shard 's1' has no unit: add it to 'routing.shards' (s1: UNIT)",
                    "t.yaml:8:17: error: unit 'beijng' is not defined under 'units' (did you mean 'beijing'?)",
                    "t.yaml:8:25: error: shard 's9' of the shard table is not named by any range",
                ])
    }

    @Test func fencesMayNotCrossThemselvesOrOverlap() {
        #expect(
            Self.problems(
                """
                model: geo
                fences:
                  - { name: bow, unit: beijing, polygon: [[0, 0], [10, 10], [10, 0], [0, 10]] }
                  - { name: a, unit: beijing, polygon: [[20, 100], [20, 110], [30, 110], [30, 100]] }
                  - { name: b, unit: hangzhou, polygon: [[25, 105], [25, 115], [35, 115], [35, 105]] }
                  - { name: c, unit: hangzhou, polygon: [[0, 0], [1, 1]] }
                """)
                == [
                    "t.yaml:7:7: error: fence 'bow' crosses itself: its edges from corner 1 and from corner 3 meet",
                    "t.yaml:9:7: error: fence 'b' overlaps fence 'a'; fences may share borders, not area",
                    "t.yaml:10:43: error: a fence needs at least 3 corners, found 2",
                ])
    }

    @Test func aRegexThatDoesNotCompileIsAnError() {
        #expect(
            Self.problems("model: regex\nrules: [{ match: \"~([0-9\", unit: beijing }]\ndefault: hangzhou")
                == ["t.yaml:6:20: error: regular expression '([0-9' does not compile"])
    }

    @Test func eachModelTakesItsOwnEntries() {
        #expect(
            Self.problems("model: geo\nranges: [{ from: 0, to: 9999, unit: beijing }]")
                == [
                    "t.yaml:5:10: error: missing required key 'fences' in 'routing' (model geo)",
                    "t.yaml:6:11: error: 'ranges' does not belong to a geo rule; it takes 'fences'",
                ])
        #expect(
            Self.problems("model: hash\nranges: [{ from: 0, to: 9, unit: beijing }]")
                == ["t.yaml:5:3: error: missing required key 'modulo' in 'routing': the number of hash slots"])
    }

    /// `cutover.moves` checked against the rule: every validator path of a shard plan.
    @Test func aShardPlanIsCheckedAgainstTheRule() throws {
        let target = try DrillLoader.parseTarget(
            yaml: Self.target(
                """
                key: memberId
                model: hash
                modulo: 4
                ranges: [{ from: 0, to: 1, shard: s0 }, { from: 2, to: 3, shard: s1 }]
                shards: { s0: beijing, s1: hangzhou }
                """), file: "t.yaml")
        // crc32("M100017") % 4 = 1: s0, beijing.
        let drill = try DrillLoader.parseDrill(
            yaml: """
                drill: d
                probe: { request: { url: "{{gateway.url}}/?m={{user.id}}" } }
                users: [{ id: M100017, impact: fail, recovers_on: shenzhen }]
                faults: [{ name: f, kind: kill-process, unit: beijing, service: product }]
                cutover:
                  moves: { s0: hangzhou, s1: shenzhen, s9: hangzhou }
                  request: { method: POST, url: "{{control_plane.url}}", body: { shards: "{{cutover.moves}}" } }
                recovery: { rto: 5s }
                """, file: "d.yaml")
        let messages = DrillValidator.check(drill, against: target).map(\.message)
        for expected in [
            "'cutover.moves' moves shard 's1', which target 't' serves from 'hangzhou', not from the faulted unit 'beijing'",
            "'cutover.moves' moves shard 's9', which the routing rule of target 't' does not have",
            "user M100017 recovers on 'shenzhen', but its shard 's0' moves to 'hangzhou'",
        ] {
            #expect(messages.contains { $0.hasPrefix(expected) }, "\(expected)\n\(messages)")
        }
        var toItself = drill
        toItself.cutover?.moves = ["s0": "beijing"]
        #expect(
            DrillValidator.check(toItself, against: target).map(\.message).contains(
                "'cutover.moves' moves shard 's0' to the faulted unit 'beijing' itself"))

        // Resolved, a user of a moved shard without recovers_on recovers on the unit its shard went to.
        var plain = drill
        plain.users[0].recoversOn = nil
        let resolved = plain.resolvingUserGroups(with: target.routing)
        #expect(resolved.users[0].recoversOn == "hangzhou")

        // Under a rule without shards, the shard templates name nothing.
        let modulo = try DrillLoader.parseTarget(
            yaml: Self.target("ranges: [{ from: 0, to: 9999, unit: beijing }]"), file: "m.yaml")
        var unsharded = drill
        unsharded.cutover?.moves = [:]
        unsharded.users = [TestUser(id: 6000)]
        #expect(
            DrillValidator.check(unsharded, against: modulo).map(\.message).contains {
                $0.hasPrefix("'{{cutover.moves}}' names shards, and the routing rule of target 't' has none")
            })
    }
}
