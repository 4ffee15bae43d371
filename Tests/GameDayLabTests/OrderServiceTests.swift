import Foundation
import GameDayCore
import GameDayLab
import GameDayTestSupport
import Testing

extension LabIntegration {
    /// Each unit's order service on SQLite, its replication to the other unit, its dirty-write
    /// protection, and the control plane's sync wait: real processes, real HTTP, real databases.
    @Suite("Order service")
    struct OrderService {
        static let cutover6000 = #"{"from":"beijing","to":"hangzhou","users":[6000]}"#

        @Test func writesAreAcknowledgedReadBackAndReplicatedAfterTheLag() async throws {
            try await TestLab.withLab(replicationLag: .seconds(1)) { lab in
                var acknowledged: [Int] = []
                for seq in 1...3 {
                    let placed = try await lab.placeOrder(user: 6000, seq: seq, tag: "run-a")
                    #expect(placed.status == 201, "\(placed.bodyText)")
                    #expect(placed.header("X-Unit") == "beijing")
                    let body = try json(placed)
                    #expect(body["unit"] as? String == "beijing" && body["origin"] as? String == "beijing")
                    #expect(
                        body["user"] as? Int == 6000 && body["seq"] as? Int == seq && body["tag"] as? String == "run-a")
                    #expect((body["id"] as? String)?.hasPrefix("beijing-") == true, "\(body)")
                    acknowledged.append(seq)
                }
                let other = try await lab.placeOrder(user: 6000, seq: 99, tag: "run-b")
                #expect(other.status == 201)

                let home = try json(try await lab.gateway("/orders?userId=6000&tag=run-a"))
                #expect(home["unit"] as? String == "beijing" && home["user"] as? Int == 6000)
                #expect(home["seqs"] as? [Int] == acknowledged, "the tag filters: \(home)")
                #expect((home["orders"] as? [[String: Any]])?.first?["origin"] as? String == "beijing")

                // Not at hangzhou right after the ack (the lag is 1s), there once it has passed.
                let early = try json(try await lab.orderService("hangzhou", "/orders?userId=6000&tag=run-a"))
                #expect(early["seqs"] as? [Int] == [], "replicated before the lag: \(early)")
                let replicated = try await eventually(timeout: .seconds(10)) {
                    let peer = try json(try await lab.orderService("hangzhou", "/orders?userId=6000&tag=run-a"))
                    return peer["seqs"] as? [Int] == acknowledged
                }
                #expect(replicated, "beijing's orders never reached hangzhou")
                // The fourth order (tag run-b) follows in order.
                #expect(
                    try await eventually(timeout: .seconds(10)) {
                        let positions = try json(try await lab.orderService("hangzhou", "/internal/replication"))
                        return (positions["applied"] as? [String: Int])?["beijing"] == 4
                    })
                let source = try json(try await lab.orderService("beijing", "/internal/replication"))
                #expect(source["committed"] as? Int == 4, "\(source)")
                #expect(source["lag_ms"] as? Double == 1000)
                #expect(
                    FileManager.default.fileExists(atPath: lab.runDirectory + "/beijing/orders.db"),
                    "one database per unit in the run directory")

                let target = try String(contentsOfFile: lab.targetPath, encoding: .utf8)
                #expect(target.contains("order: { process: { pid_file: \(lab.runDirectory)/beijing-order.pid }"))
            }
        }

        @Test func aUnitRefusesWritesOfUsersRoutedElsewhere() async throws {
            try await TestLab.withLab { lab in
                let refused = try await lab.orderService("hangzhou", "/orders?userId=6000", method: "POST", body: "{}")
                #expect(refused.status == 409, "\(refused.bodyText)")
                #expect(refused.header("X-Unit") == "hangzhou")
                let body = try json(refused)
                #expect(body["error"] as? String == "not-routed-here")
                #expect(body["unit"] as? String == "hangzhou" && body["routed_to"] as? String == "beijing")
                // Reads are served for any user; an empty body is an order without item, seq or tag.
                #expect(try await lab.orderService("hangzhou", "/orders?userId=6000").status == 200)
                let bare = try await lab.orderService("hangzhou", "/orders?userId=50", method: "POST")
                #expect(bare.status == 201, "\(bare.bodyText)")
                #expect(try json(bare)["seq"] is NSNull)
                let garbage = try await lab.gateway("/orders?userId=50", method: "POST", body: #"{"seq":"x"}"#)
                #expect(garbage.status == 400, "\(garbage.bodyText)")
            }
        }

        @Test func writesOfMovingUsersAreBlockedDuringACutoverAndAcceptedByTheNewUnitAfter() async throws {
            try await TestLab.withLab(switchDelay: .seconds(3)) { lab in
                #expect(try await lab.controlPlane("POST", "/v1/cutovers", body: Self.cutover6000).status == 202)
                #expect(
                    try await eventually {
                        try json(try await lab.controlPlane("GET", "/v1/cutovers/c-1"))["state"] as? String == "switch"
                    })
                for unit in LabLayout.standard.units {
                    let blocked = try await lab.orderService(unit, "/orders?userId=6000", method: "POST", body: "{}")
                    #expect(blocked.status == 423, "\(unit): \(blocked.bodyText)")
                    #expect(blocked.header("X-Unit") == unit)
                    let body = try json(blocked)
                    #expect(body["error"] as? String == "write-blocked" && body["cutover"] as? String == "c-1")
                }
                let viaGateway = try await lab.placeOrder(user: 6000, seq: 1, tag: "blocked")
                #expect(viaGateway.status == 423 && viaGateway.header("X-Unit") == "beijing")
                #expect(try await lab.placeOrder(user: 6001, seq: 1, tag: "free").status == 201, "6001 is not moving")

                #expect(try await waitForCutover("c-1", in: lab)["state"] as? String == "done")
                let moved = try await lab.placeOrder(user: 6000, seq: 2, tag: "after")
                #expect(moved.status == 201 && moved.header("X-Unit") == "hangzhou", "\(moved.bodyText)")
                #expect(try json(moved)["origin"] as? String == "hangzhou")
                let old = try await lab.orderService("beijing", "/orders?userId=6000", method: "POST", body: "{}")
                #expect(old.status == 409, "\(old.bodyText)")
                #expect(try json(old)["routed_to"] as? String == "hangzhou")
            }
        }

        @Test func withSyncWaitACutOverLosesNoAcknowledgedWriteWhenTheSourceOrderServiceIsKilled() async throws {
            try await TestLab.withLab(replicationLag: .seconds(2)) { lab in
                let acknowledged = try await writeCanaries(lab, tag: "sync")
                _ = try await killService("beijing-order", in: lab)
                let down = try await lab.placeOrder(user: 6000, seq: 100, tag: "sync")
                #expect([502, 503].contains(down.status), "a dead order service: \(down.status) \(down.bodyText)")

                #expect(try await lab.controlPlane("POST", "/v1/cutovers", body: Self.cutover6000).status == 202)
                let cutover = try await waitForCutover("c-1", in: lab)
                #expect(cutover["state"] as? String == "done", "\(cutover)")
                let sync = try #require((cutover["sync"] as? [[String: Any]])?.first)
                #expect(sync["via"] as? String == "database-file", "beijing's order service is dead: \(sync)")
                #expect(sync["state"] as? String == "caught_up")

                let read = try await lab.gateway("/orders?userId=6000&tag=sync")
                #expect(read.header("X-Unit") == "hangzhou")
                #expect(try json(read)["seqs"] as? [Int] == acknowledged, "every acknowledged write survives")

                let steps = try lab.groundTruth().filter { $0.cutover == "c-1" }.map(\.phase)
                #expect(
                    steps == [
                        "accepted", "write_block", "sync_target", "sync_caught_up", "sync_wait", "switch", "unblock",
                        "done",
                    ])
            }
        }

        @Test func withoutSyncWaitTheLastWritesAreMissingUntilTheSourceComesBack() async throws {
            try await TestLab.withLab(syncWait: false, replicationLag: .seconds(2)) { lab in
                let acknowledged = try await writeCanaries(lab, tag: "nowait")
                _ = try await killService("beijing-order", in: lab)

                #expect(try await lab.controlPlane("POST", "/v1/cutovers", body: Self.cutover6000).status == 202)
                let cutover = try await waitForCutover("c-1", in: lab)
                #expect(cutover["state"] as? String == "done", "\(cutover)")
                #expect((cutover["sync"] as? [[String: Any]])?.first?["state"] as? String == "skipped")
                #expect(try lab.groundTruth().contains { $0.cutover == "c-1" && $0.phase == "sync_skipped" })

                let read = try await lab.gateway("/orders?userId=6000&tag=nowait")
                #expect(read.header("X-Unit") == "hangzhou")
                let seen = try #require(try json(read)["seqs"] as? [Int])
                #expect(!seen.contains(acknowledged.last!), "the last acknowledged write is lost: \(seen)")
                #expect(Set(seen).isSubset(of: acknowledged))

                // The rows wait in beijing's database; a restarted order service ships them.
                let restart = try await lab.lab(["restart-service", "--service", "beijing-order"])
                #expect(restart.exitCode == 0, "\(restart.transcript)")
                let resumed = try await eventually(timeout: .seconds(10)) {
                    try json(try await lab.gateway("/orders?userId=6000&tag=nowait"))["seqs"] as? [Int] == acknowledged
                }
                #expect(resumed, "the restarted order service did not resume shipping")
            }
        }

        @Test func aBlockDoesNotOutliveAFailedCutoverNorACutoverFinishedWhileAUnitWasDown() async throws {
            try await TestLab.withLab(switchDelay: .seconds(2), syncTimeout: .seconds(1)) { lab in
                // The destination is down: the sync wait times out, the cut-over fails, the block goes.
                _ = try await killService("hangzhou-order", in: lab)
                #expect(try await lab.controlPlane("POST", "/v1/cutovers", body: Self.cutover6000).status == 202)
                let failed = try await waitForCutover("c-1", in: lab)
                #expect(failed["state"] as? String == "failed")
                #expect((failed["error"] as? String)?.contains("sync wait timed out") == true, "\(failed)")
                #expect(try await lab.controlPlane("GET", "/v1/write-blocks").bodyText == "[]")
                #expect(try lab.groundTruth().contains { $0.cutover == "c-1" && $0.phase == "sync_timed_out" })
                let stays = try await lab.placeOrder(user: 6000, seq: 1, tag: "failed")
                #expect(stays.status == 201 && stays.header("X-Unit") == "beijing", "\(stays.bodyText)")
                #expect(try await lab.lab(["restart-service", "--service", "hangzhou-order"]).exitCode == 0)

                // beijing's order service dies while c-2 holds its block and comes back after the
                // unblock: it learns from the control plane that nothing is blocked any more.
                #expect(try await lab.controlPlane("POST", "/v1/cutovers", body: Self.cutover6000).status == 202)
                #expect(
                    try await eventually {
                        try json(try await lab.controlPlane("GET", "/v1/cutovers/c-2"))["state"] as? String == "switch"
                    })
                _ = try await killService("beijing-order", in: lab)
                #expect(try await waitForCutover("c-2", in: lab)["state"] as? String == "done")
                #expect(try await lab.lab(["restart-service", "--service", "beijing-order"]).exitCode == 0)
                let old = try await lab.orderService("beijing", "/orders?userId=6000", method: "POST", body: "{}")
                #expect(old.status == 409, "no block left behind, and the new rule known: \(old.bodyText)")
            }
        }

        @Test(.enabled(if: Isolated.canMakeNamespaces, "needs root and iproute2 to create network namespaces"))
        func replicatesBetweenNamespacesAndSyncWaitsForAKilledSource() async throws {
            try await TestLab.withLab(replicationLag: .milliseconds(300), isolation: .netns) { lab in
                #expect(lab.isolation == .netns)
                let first = try await lab.placeOrder(user: 6000, seq: 1, tag: "netns")
                #expect(first.status == 201, "\(first.bodyText)")
                #expect(
                    try await eventually(timeout: .seconds(10)) {
                        try json(try await lab.orderService("hangzhou", "/orders?userId=6000&tag=netns"))["seqs"]
                            as? [Int] == [1]
                    }, "replication between the namespaces")

                var acknowledged = [1]
                for seq in 2...5 {
                    let placed = try await lab.placeOrder(user: 6000, seq: seq, tag: "netns")
                    #expect(placed.status == 201, "\(placed.bodyText)")
                    if placed.status == 201 { acknowledged.append(seq) }
                }
                _ = try await killService("beijing-order", in: lab)
                #expect(try await lab.controlPlane("POST", "/v1/cutovers", body: Self.cutover6000).status == 202)
                #expect(try await waitForCutover("c-1", in: lab)["state"] as? String == "done")
                let read = try await lab.gateway("/orders?userId=6000&tag=netns")
                #expect(read.header("X-Unit") == "hangzhou")
                #expect(try json(read)["seqs"] as? [Int] == acknowledged)
            }
        }
    }
}

/// Writes seqs 1...10 for user 6000 through the gateway; returns the acknowledged ones (all of them).
private func writeCanaries(_ lab: TestLab, tag: String) async throws -> [Int] {
    var acknowledged: [Int] = []
    for seq in 1...10 {
        let placed = try await lab.placeOrder(user: 6000, seq: seq, tag: tag)
        #expect(placed.status == 201, "\(placed.bodyText)")
        if placed.status == 201 { acknowledged.append(seq) }
    }
    return acknowledged
}
