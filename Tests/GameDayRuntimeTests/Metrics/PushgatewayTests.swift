import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// `run --pushgateway`: the grouping key's escaping, a real Pushgateway taking a push, and a push
/// to nobody.
@Suite struct PushgatewayTests {
    @Test func theGroupingKeyIsEscapedAsThePushgatewayReadsIt() {
        let gateway = Pushgateway(address: "http://pg:9091/")
        #expect(
            gateway.url(drill: "order-unit-failure", target: "lab")
                == "http://pg:9091/metrics/job/gameday/drill/order-unit-failure/target/lab")
        // A slash no percent-encoding hides from its router: base64url, with `@base64` on the name.
        #expect(
            gateway.url(drill: "a/b", target: "east lab \"1\"")
                == "http://pg:9091/metrics/job/gameday/drill@base64/YS9i/target/east%20lab%20%221%22")
        #expect(gateway.url(drill: "ü?/", target: "").hasSuffix("/drill@base64/w7w_Lw==/target@base64/="))
    }

    @Test func aRealPushgatewayShowsThePushedSamplesUnderTheGroupingKey() async throws {
        guard let binary = PrometheusTool.pushgateway.located(for: "aRealPushgatewayShows…") else { return }
        let scratch = try Scratch()
        defer { scratch.cleanUp() }  // stops the Pushgateway, whatever the test did
        let port = Scratch.freePort()
        let process = try scratch.start([binary, "--web.listen-address=127.0.0.1:\(port)", "--persistence.file="])
        let address = "http://127.0.0.1:\(port)"
        let client = CurlHTTPClient()
        var ready = false
        for _ in 0..<200 where process.isRunning {
            if (try? await client.send(HTTPRequest(url: "\(address)/-/ready")))?.status == 200 {
                ready = true
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(ready, "the Pushgateway on port \(port) never became ready")

        var result = try ResultFixture.result("order-unit-failure")
        result.drill.name = "orders/unit failure"  // base64 in the key, a space in the label
        try await Pushgateway(address: address).push(RunMetrics(result))

        let page = try await client.send(HTTPRequest(url: "\(address)/metrics")).bodyText
        let rto = page.split(separator: "\n").filter { $0.hasPrefix("gameday_rto_seconds{") }
        #expect(
            rto == [
                #"gameday_rto_seconds{drill="orders/unit failure",instance="",job="gameday",target="lab",unit="beijing"} 1.192634"#
            ], "\(page)")
        #expect(page.contains(#"gameday_outcome{drill="orders/unit failure",instance="",job="gameday",outcome="pass""#))
        #expect(page.contains("# HELP gameday_detect_seconds The RTO's detect part"))

        // Not the Pushgateway's API under that path: its 404, in the error's words.
        await #expect(
            throws: PushgatewayError.refused(
                url: "\(address)/elsewhere/metrics/job/gameday/drill@base64/b3JkZXJzL3VuaXQgZmFpbHVyZQ==/target/lab",
                status: 404, body: "404 page not found")
        ) {
            try await Pushgateway(address: "\(address)/elsewhere").push(RunMetrics(result))
        }
        #expect(
            page.contains(
                #"push_failure_time_seconds{drill="orders/unit failure",instance="",job="gameday",target="lab"} 0"#))
    }

    @Test func aPushToAClosedPortSaysSoWithTheAddress() async throws {
        let url = "http://127.0.0.1:\(Scratch.freePort())"
        let metrics = RunMetrics(try ResultFixture.result("order-unit-failure"))
        await #expect {
            try await Pushgateway(address: url).push(metrics)
        } throws: { error in
            guard case .unreachable(let target, _) = error as? PushgatewayError else { return false }
            let words = (error as? PushgatewayError)?.localizedDescription ?? ""
            return target == "\(url)/metrics/job/gameday/drill/order-unit-failure/target/lab"
                && words.hasPrefix("could not push the metrics to \(target): ")
                && words.hasSuffix("check --pushgateway's address and that it is running")
        }
    }

    @Test func aRefusalGivesTheStatusAndTheStartOfTheBodyOnOneLine() {
        let body = "pushed metrics are invalid:\n" + String(repeating: "x", count: 300)
        let error = PushgatewayError.refused(
            url: "http://pg/metrics/job/gameday", status: 400, body: PushgatewayError.start(of: body))
        let words = error.localizedDescription
        #expect(
            words.hasPrefix(
                "the Pushgateway answered HTTP 400 to the metrics put to http://pg/metrics/job/gameday: pushed metrics are invalid: xxx"
            ))
        #expect(words.hasSuffix("x…") && words.count < 300)
    }
}
