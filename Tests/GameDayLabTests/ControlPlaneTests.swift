import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

extension LabIntegration {
    @Suite("Control plane")
    struct ControlPlane {
        static let phases = ["write_block", "sync_wait", "switch", "unblock", "done"]
        /// The sync wait's own lines in the ground truth, beside the phases.
        static let syncSteps: Set = ["sync_target", "sync_caught_up", "sync_timed_out", "sync_skipped"]

        @Test func requiresTheBearerToken() async throws {
            try await TestLab.withLab { lab in
                for credentials: TestLab.Credentials in [.none, .token("wrong"), .token(lab.token + "x")] {
                    let rules = try await lab.controlPlane("GET", "/v1/rules", credentials: credentials)
                    #expect(rules.status == 401)
                    #expect(try json(rules)["error"] != nil)
                    let cutover = try await lab.controlPlane(
                        "POST", "/v1/cutovers", body: #"{"from":"beijing","to":"hangzhou","users":[6000]}"#,
                        credentials: credentials)
                    #expect(cutover.status == 401)
                }
                #expect(try await lab.controlPlane("GET", "/v1/rules").status == 200)
                #expect(try await lab.controlPlane("GET", "/health", credentials: .none).status == 200)
            }
        }

        @Test func rejectsBadRequests() async throws {
            try await TestLab.withLab { lab in
                for (body, message) in [
                    ("{", "not a cut-over request"),
                    (#"{"from":"beijing","to":"shanghai","users":[6000]}"#, "unknown unit 'shanghai'"),
                    (#"{"from":"beijing","to":"hangzhou","users":[]}"#, "nothing to move"),
                ] {
                    let response = try await lab.controlPlane("POST", "/v1/cutovers", body: body)
                    #expect(response.status == 400, "\(body)")
                    #expect((try json(response)["error"] as? String)?.contains(message) == true, "\(response.bodyText)")
                }
                #expect(try await lab.controlPlane("GET", "/v1/cutovers/c-99").status == 404)
                #expect(try lab.groundTruth().isEmpty, "nothing was accepted")
            }
        }

        @Test func cutsOverThroughEveryPhaseAndBack() async throws {
            try await TestLab.withLab(switchDelay: .milliseconds(400)) { lab in
                let baseline = try json(try await lab.controlPlane("GET", "/v1/rules"))
                #expect(baseline["version"] as? Int == 1)
                #expect((baseline["overrides"] as? [String: String])?.isEmpty == true)

                let accepted = try await lab.controlPlane(
                    "POST", "/v1/cutovers", body: #"{"from":"beijing","to":"hangzhou","users":[6000]}"#)
                #expect(accepted.status == 202)
                let answer = try json(accepted)
                #expect(answer["id"] as? String == "c-1")
                #expect(answer["state"] as? String == "accepted")

                // Between write_block and unblock (at least --switch-delay), 6000 is write-blocked. Polled
                // rather than read once after a state: a loaded machine can let the block pass between the two.
                var blocks = ""
                let blocked = try await eventually {
                    blocks = try await lab.controlPlane("GET", "/v1/write-blocks").bodyText
                    return blocks.contains(#""users":[6000]"#)
                }
                #expect(blocked, "no write block for 6000 seen during the cut-over: last \(blocks)")

                let cutover = try await waitForCutover("c-1", in: lab)
                #expect(try await lab.controlPlane("GET", "/v1/write-blocks").bodyText == "[]")
                #expect(cutover["state"] as? String == "done")
                #expect(cutover["error"] is NSNull)
                let stamps = try #require(cutover["phases"] as? [String: String])
                let unix = try #require(cutover["phases_unix_ms"] as? [String: Double])
                let times = try Self.phases.map { try #require(unix[$0], "no \($0) timestamp") }
                #expect(times == times.sorted(), "phases complete in order")
                #expect(times[2] - times[1] >= 400, "the switch waits --switch-delay")
                for phase in Self.phases {
                    #expect(stamps[phase]?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
                }

                let moved = try await lab.gateway("/storefront?userId=6000")
                #expect(moved.header("X-Unit") == "hangzhou", "the switch completes only once the gateway applied it")
                #expect(try json(moved)["unit"] as? String == "hangzhou")
                #expect(try await lab.gateway("/storefront?userId=50").header("X-Unit") == "hangzhou")
                #expect(try await lab.gateway("/storefront?userId=6001").header("X-Unit") == "beijing")
                let rules = try json(try await lab.controlPlane("GET", "/v1/rules"))
                #expect(rules["version"] as? Int == 2)
                #expect(rules["overrides"] as? [String: String] == ["6000": "hangzhou"])

                // JSONDecoder rather than JSONSerialization: the latter can be an ulp off.
                struct Exact: Decodable {
                    var unix: [String: Double]
                    enum CodingKeys: String, CodingKey { case unix = "phases_unix_ms" }
                }
                let exact = try JSONDecoder().decode(
                    Exact.self, from: Data(try await lab.controlPlane("GET", "/v1/cutovers/c-1").body))
                let log = try lab.groundTruth().filter { $0.cutover == "c-1" }
                // Beside the phases, the sync wait's steps: the source's position, then the destination at it.
                #expect(
                    log.map(\.phase)
                        == ["accepted", "write_block", "sync_target", "sync_caught_up"] + Self.phases.dropFirst())
                let sync = try #require((cutover["sync"] as? [[String: Any]])?.first)
                #expect(sync["from"] as? String == "beijing" && sync["to"] as? String == "hangzhou")
                #expect(sync["state"] as? String == "caught_up" && sync["via"] as? String == "peer", "\(sync)")
                let truth = log.filter { $0.phase == "accepted" || Self.phases.contains($0.phase) }
                #expect(truth.map(\.phase) == ["accepted"] + Self.phases)
                for entry in truth {
                    #expect(
                        entry.unixMilliseconds == exact.unix[entry.phase],
                        "log and API report the same instant")
                    #expect(entry.at == stamps[entry.phase])
                }

                let back = try await lab.controlPlane("POST", "/v1/cutback")
                #expect(back.status == 202)
                let cutbackId = try #require(try json(back)["id"] as? String)
                #expect(try await waitForCutover(cutbackId, in: lab)["state"] as? String == "done")
                #expect(try await lab.gateway("/storefront?userId=6000").header("X-Unit") == "beijing")
                let cutback = try lab.groundTruth().filter { $0.cutover == cutbackId }.map(\.phase)
                #expect(cutback.filter { !Self.syncSteps.contains($0) } == ["accepted"] + Self.phases)
                #expect(cutback.contains("sync_caught_up"), "a cut-back waits for hangzhou's writes to reach beijing")
            }
        }

        @Test func movesWholeRanges() async throws {
            try await TestLab.withLab { lab in
                let accepted = try await lab.controlPlane(
                    "POST", "/v1/cutovers",
                    body: #"{"from":"beijing","to":"hangzhou","ranges":[{"from":5000,"to":9999}]}"#)
                #expect(accepted.status == 202)
                #expect(
                    try await waitForCutover(try #require(try json(accepted)["id"] as? String), in: lab)["state"]
                        as? String == "done")
                for user in [6000, 16000, 9999, 50] {
                    #expect(
                        try await lab.gateway("/storefront?userId=\(user)").header("X-Unit") == "hangzhou",
                        "user \(user)")
                }
                let back = try json(try await lab.controlPlane("POST", "/v1/cutback"))
                #expect(
                    try await waitForCutover(try #require(back["id"] as? String), in: lab)["state"] as? String == "done"
                )
                #expect(try await lab.gateway("/storefront?userId=16000").header("X-Unit") == "beijing")
            }
        }
    }
}
