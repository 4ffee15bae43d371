import Foundation
import GameDayCore
import Testing

@testable import GameDayLab

@Suite("Wire formats")
struct RuleDocumentTests {
    @Test func ruleDocumentHasTheDocumentedShape() throws {
        let document = RuleDocument(
            version: 2, rule: RoutingRule(ranges: RoutingRule.storefront.ranges, overrides: [6000: "hangzhou"]))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(document)) as? [String: Any]
        #expect(json?["version"] as? Int == 2)
        #expect(json?["key"] as? String == "userId")
        #expect(json?["modulo"] as? Int == 10000)
        #expect(json?["overrides"] as? [String: String] == ["6000": "hangzhou"])
        #expect((json?["ranges"] as? [[String: Any]])?.first?["unit"] as? String == "hangzhou")
        #expect(try JSONDecoder().decode(RuleDocument.self, from: JSONEncoder().encode(document)) == document)
    }

    @Test func timestampsAreRFC3339UTCWithMilliseconds() {
        let at = LabTimestamp(unixMilliseconds: 1_763_703_000_123.4)
        #expect(at.rfc3339 == "2025-11-21T05:30:00.123Z")
        #expect(LabTimestamp(unixMilliseconds: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
    }

    @Test func cutoverReportsPhasesWithBothClocksAndNullError() throws {
        var cutover = Cutover(
            id: "c-1", kind: .cutover, state: .syncWait, from: "beijing", to: "hangzhou", users: ["6000"], ranges: [])
        cutover.phases = [
            (.accepted, LabTimestamp(unixMilliseconds: 1000.5)), (.writeBlock, LabTimestamp(unixMilliseconds: 1001)),
        ]
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(cutover)) as? [String: Any])
        #expect(json["state"] as? String == "sync_wait")
        #expect(json["error"] is NSNull)
        #expect((json["phases"] as? [String: String])?["write_block"] == "1970-01-01T00:00:01.001Z")
        #expect((json["phases_unix_ms"] as? [String: Double])?["accepted"] == 1000.5)
    }
}
