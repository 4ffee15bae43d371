import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The routing models' drills, run by the built binary against labs started as their header
/// comments say, and checked against what the lab's control plane recorded.
@Suite(.serialized) struct RoutingModelDrillTests {
    /// The lab's cut-overs as `GET /v1/cutovers` lists them.
    static func cutovers(_ lab: TestLab) async throws -> [[String: Any]] {
        let response = try await lab.controlPlane("GET", "/v1/cutovers")
        return try #require(JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]])
    }

    @Test func theEzoneDrillMovesShenzhensShardsToTwoEzonesAndEveryUserFollowsItsShard() async throws {
        try await TestLab.withLab(units: ["beijing", "hangzhou", "shenzhen"], routing: "geo") { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let run = try await DrillRun.run(DrillRun.shipped("ezone-geo-failover"), lab: lab, output: output)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .pass)
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }

            // Each moved user came back on the ezone its shard went to, never on another.
            let target = try DrillLoader.loadTarget(path: lab.targetPath)
            let moves = ["shenzhen-west": "beijing", "shenzhen-east": "hangzhou"]
            let moved = result.users.filter { $0.shard.map { moves[$0] != nil } ?? false }
            #expect(Set(moved.compactMap(\.shard)) == Set(moves.keys))
            for user in moved {
                let shard = try #require(user.shard)
                #expect(user.recoversOn == moves[shard], "\(user.id)")
                #expect(user.servedBefore == "shenzhen", "\(user.id)")
                #expect(user.recoveredMs != nil, "\(user.id)")
                #expect(
                    user.timeline.filter(\.ok).compactMap(\.unit).allSatisfy { $0 == "shenzhen" || $0 == moves[shard] },
                    "\(user.id): \(user.timeline)")
            }
            // Users of the other ezones, the fallback point and the traveller never failed.
            for user in result.users where user.expectedImpact == "none" {
                #expect(user.failures == 0, "\(user.id)")
                #expect(target.routing.unit(for: user.id) != "shenzhen", "\(user.id)")
            }
            #expect(result.users.contains { $0.name.hasPrefix("nowhere") && $0.shard == nil && $0.home == "beijing" })
            // Border users: each routed as the rule says, the first listed fence taking a shared border.
            let borders = result.users.filter { $0.name.hasPrefix("shenzhen-borders") }
            #expect(borders.contains { $0.shard == "hangzhou-east" }, "a border shared with an earlier fence")
            #expect(borders.contains { $0.shard == "shenzhen-west" })

            // The report and the history read naturally with three units.
            let directory = try #require(run.resultPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent() })
            let report = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
            // The timeline's legend lists each unit that served a probe (user names hold unit names too).
            for unit in ["beijing", "hangzhou", "shenzhen"] {
                #expect(report.contains("served by \(unit)</li>"), "\(unit)")
            }
            let history = try await ChildProcess.run([lab.binary, "history", output])
            #expect(history.exitCode == 0, "\(history.transcript)")
            #expect(history.stdout.contains("ezone-geo-failover"), "\(history.stdout)")

            // The control plane moved exactly the plan's shards, then cut back.
            let cutovers = try await Self.cutovers(lab)
            let cutover = try #require(cutovers.first { $0["kind"] as? String == "cutover" })
            #expect(cutover["shards"] as? [String: String] == moves)
            #expect(cutover["from"] as? String == "shenzhen")
            #expect(cutovers.contains { $0["kind"] as? String == "cutback" && $0["state"] as? String == "done" })
            let rules =
                try JSONSerialization.jsonObject(
                    with: Data(try await lab.controlPlane("GET", "/v1/rules").body)) as? [String: Any]
            #expect((rules?["shards"] as? [String: String])?["shenzhen-west"] == "shenzhen", "cut back")
        }
    }

    @Test func theHashDrillMovesBeijingsShardsAndEveryMemberRecovers() async throws {
        try await TestLab.withLab(routing: "hash", exclusive: true) { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let run = try await DrillRun.run(DrillRun.shipped("storefront-hash-failover"), lab: lab, output: output)
            #expect(run.output.exitCode == 0, "\(run.output.transcript)")
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .pass)
            for verdict in result.verdicts { #expect(verdict.status == .pass, "\(verdict.name): \(verdict.message)") }

            // `plan` shows each user's key → shard → unit, and why; and the shard plan.
            let plan = try await ChildProcess.run([
                lab.binary, "plan", DrillRun.shipped("storefront-hash-failover"), "--target", lab.targetPath,
            ])
            #expect(plan.exitCode == 0, "\(plan.transcript)")
            #expect(
                plan.stdout.contains(
                    #"member-m100017: M100017 → s0 → beijing   (crc32("M100017") = 2081888453; % 64 = 5, in 0~7, shard s0 → beijing)"#
                ), "\(plan.stdout)")
            #expect(
                plan.stdout.contains(
                    "moving shards of beijing: s0 → hangzhou, s2 → hangzhou, s4 → hangzhou, s6 → hangzhou"))
            #expect(plan.stdout.contains("then 3 keys of each part of the rule (slots 0~7, slots 8~15"))

            let member = try #require(run.user("M100017"))
            #expect(member.shard == "s0")
            #expect(member.servedBefore == "beijing")
            #expect(member.servedAfter == "hangzhou", "served by its shard's new unit when the fault was reverted")
            #expect(member.timeline.contains { $0.ok && $0.unit == "hangzhou" })
            // Every shard has members, and every member is a text key routed by its CRC-32.
            #expect(Set(result.users.compactMap(\.shard)) == Set((0..<8).map { "s\($0)" }))
            #expect(result.users.allSatisfy { Int($0.id) == nil })

            let cutovers = try await Self.cutovers(lab)
            let cutover = try #require(cutovers.first { $0["kind"] as? String == "cutover" })
            #expect(
                cutover["shards"] as? [String: String]
                    == ["s0": "hangzhou", "s2": "hangzhou", "s4": "hangzhou", "s6": "hangzhou"])
        }
    }

    @Test func aTargetWhoseRuleIsNotTheLiveOneIsCaughtBeforeHarmByItsSampledKeys() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-results")
            defer { try? FileManager.default.removeItem(atPath: output) }
            // The drill's own users (6000 in beijing, 50 in hangzhou) are routed alike by both rules;
            // only keys of 8000~9999, which no test user has, tell them apart.
            let live = "ranges: [{ from: 0, to: 4999, unit: hangzhou }, { from: 5000, to: 9999, unit: beijing }]"
            let stale =
                "ranges: [{ from: 0, to: 4999, unit: hangzhou }, { from: 5000, to: 7999, unit: beijing }, "
                + "{ from: 8000, to: 9999, unit: hangzhou }]"
            let text = try String(contentsOfFile: lab.targetPath, encoding: .utf8)
            #expect(text.contains(live))
            let target = output + "/stale-target.yaml"
            try text.replacingOccurrences(of: live, with: stale).write(
                toFile: target, atomically: true, encoding: .utf8)
            let product = try lab.pid(of: "beijing-product")

            let run = try await DrillRun.run(
                DrillRun.shipped("storefront-strong-dependency"), lab: lab, output: output, target: target)
            #expect(run.output.exitCode == 3, "\(run.output.transcript)")
            let said = run.output.stdout
            #expect(said.contains("the live gateway does not route as the target's rule says"), "\(said)")
            #expect(said.contains("(slots 8000~9999) is served by beijing, the rule says hangzhou"), "\(said)")
            #expect(try lab.pid(of: "beijing-product") == product, "nothing was harmed")
        }
    }
}
