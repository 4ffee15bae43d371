import Foundation
import Testing

@testable import GameDayLab

@Suite("Cut-over request validation")
struct CutoverRequestTests {
    let units = ["hangzhou", "beijing"]

    func parse(_ json: String) -> Result<CutoverRequest, CutoverRequestError> {
        CutoverRequest.parse(Data(json.utf8), units: units, rule: .storefront)
    }

    @Test func acceptsUsersRangesOrBoth() throws {
        let users = try parse(#"{"from":"beijing","to":"hangzhou","users":[6000]}"#).get()
        #expect(users.users == ["6000"])
        let ranges = try parse(#"{"from":"beijing","to":"hangzhou","ranges":[{"from":5000,"to":9999}]}"#).get()
        #expect(ranges.ranges == [SlotRange(from: 5000, to: 9999)])
    }

    @Test(arguments: [
        (#"{"from":"beijing""#, "not a cut-over request"),
        (#"{"to":"hangzhou","users":[1]}"#, "missing field 'from'"),
        (#"{"from":"shanghai","to":"hangzhou","users":[1]}"#, "unknown unit 'shanghai'"),
        (#"{"from":"beijing","to":"beijing","users":[1]}"#, "nothing would move"),
        (#"{"from":"beijing","to":"hangzhou"}"#, "nothing to move"),
        (#"{"from":"beijing","to":"hangzhou","users":[]}"#, "nothing to move"),
        (#"{"from":"beijing","to":"hangzhou","ranges":[{"from":9000,"to":10000}]}"#, "not within 0~9999"),
        (#"{"from":"beijing","to":"hangzhou","users":[true]}"#, "expected String"),
        (#"{"from":"beijing","shards":{"s9":"hangzhou"}}"#, "unknown shard 's9'"),
        (#"{"from":"beijing","shards":{}}"#, "nothing to move"),
        (#"{"from":"beijing","users":["6000"]}"#, "'to', which is missing"),
    ])
    func rejectsWithAMessage(body: String, message: String) {
        guard case .failure(let error) = parse(body) else {
            Issue.record("accepted \(body)")
            return
        }
        #expect(error.message.contains(message), "\(error.message)")
    }
}
