import Foundation
import Testing

@testable import GameDayCore

/// The bodies sent to webhooks: the generic JSON one and Slack's.
@Suite struct RunNotificationTests {
    static let end = RunNotification(
        event: .end, drill: "storefront-strong", target: "lab", runId: "8f3a", phase: "verify_rollback",
        outcome: .pass, rtoMs: 1830.4, archive: "results/storefront-strong/20260101T000000Z-8f3a",
        at: "2026-01-01T00:00:10.000Z")

    @Test func theJSONBodyCarriesEveryField() throws {
        let body = try #require(
            try JSONSerialization.jsonObject(with: Data(Self.end.body(.json))) as? [String: Any])
        #expect(body["event"] as? String == "end")
        #expect(body["drill"] as? String == "storefront-strong")
        #expect(body["target"] as? String == "lab")
        #expect(body["run_id"] as? String == "8f3a")
        #expect(body["phase"] as? String == "verify_rollback")
        #expect(body["outcome"] as? String == "pass")
        #expect(body["rto_ms"] as? Double == 1830.4)
        #expect(body["archive"] as? String == "results/storefront-strong/20260101T000000Z-8f3a")
        #expect(body["reason"] == nil)
        #expect(body["at"] as? String == "2026-01-01T00:00:10.000Z")
    }

    @Test func theSlackBodyIsTextAndASection() throws {
        var abort = Self.end
        abort.event = .abort
        abort.phase = "observe"
        abort.reason = "blast radius breached: user 50 failed 3 times in a row; aborted and reverted"
        let body = try #require(try JSONSerialization.jsonObject(with: Data(abort.body(.slack))) as? [String: Any])
        let text = try #require(body["text"] as? String)
        #expect(
            text
                == "gameday: drill *storefront-strong* on *lab* (run 8f3a) stopped early in observe: blast radius "
                + "breached: user 50 failed 3 times in a row; aborted and reverted; reverting every fault")
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(blocks.first?["type"] as? String == "section")
        #expect((blocks.first?["text"] as? [String: Any])?["text"] as? String == text)
        #expect(Set(body.keys) == ["text", "blocks"])
    }

    @Test func theEndTextSaysTheOutcomeTheRTOAndTheArchive() {
        #expect(Self.end.text.contains("ended: PASS, RTO 1.83s"))
        #expect(Self.end.text.contains("archived in `results/storefront-strong/20260101T000000Z-8f3a`"))
    }
}
