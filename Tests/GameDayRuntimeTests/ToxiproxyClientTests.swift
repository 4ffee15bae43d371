import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Synchronization
import Testing

/// `ToxiproxyClient` against scripted answers in Toxiproxy's shapes.
@Suite("ToxiproxyClient")
struct ToxiproxyClientTests {
    static let url = "http://toxiproxy.test"
    static let proxies = #"""
        {"product":{"name":"product","listen":"127.0.0.1:9314","upstream":"127.0.0.1:9311","enabled":true,
          "toxics":[{"name":"slow","type":"latency","stream":"downstream","toxicity":1,"attributes":{"latency":300,"jitter":0}}]},
         "cart":{"name":"cart","listen":"127.0.0.1:9315","upstream":"127.0.0.1:9312","enabled":false,"toxics":null}}
        """#

    /// Answers by method and path; records every request.
    final class ScriptedAPI: HTTPTransport {
        let answers: [String: (Int, String)]
        let requests = Mutex<[HTTPRequest]>([])

        init(_ answers: [String: (Int, String)]) { self.answers = answers }

        func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
            requests.withLock { $0.append(request) }
            let key = "\(request.method) \(request.url.dropFirst(ToxiproxyClientTests.url.count))"
            let (status, body) = answers[key] ?? (404, #"{"error":"no script for \#(key)","status":404}"#)
            return HTTPResponse(status: status, body: Array(body.utf8))
        }
    }

    func client(_ answers: [String: (Int, String)]) -> (ToxiproxyClient, ScriptedAPI) {
        let api = ScriptedAPI(answers)
        return (ToxiproxyClient(url: Self.url + "/", transport: api), api)
    }

    @Test func addingAToxicSendsToxiproxysJSON() async throws {
        let stored =
            #"{"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1,"attributes":{"latency":300,"jitter":0}}"#
        let (client, api) = client(["POST /proxies/product/toxics": (200, stored)])
        let toxic = try await client.addToxic(.latency(.milliseconds(300)), to: "product")
        #expect(toxic == .latency(.milliseconds(300)))
        #expect(toxic.name == "latency_downstream")

        let request = try #require(api.requests.withLock { $0.first })
        #expect(request.method == "POST")
        #expect(request.url == "http://toxiproxy.test/proxies/product/toxics")
        #expect(request.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body ?? [])) as? [String: Any])
        #expect(body["type"] as? String == "latency")
        #expect(body["stream"] as? String == "downstream")
        #expect(body["toxicity"] as? Double == 1)
        #expect((body["attributes"] as? [String: Any])?["latency"] as? Int == 300)
    }

    @Test func theBuiltInToxicsCarryTheirAttributes() {
        #expect(ToxiproxyToxic.timeout(.seconds(2)).attributes == ["timeout": 2000])
        #expect(ToxiproxyToxic.bandwidth(kilobytesPerSecond: 64).attributes == ["rate": 64])
        let reset = ToxiproxyToxic.resetPeer(stream: .upstream)
        #expect(reset.name == "reset_peer_upstream")
        #expect(reset.attributes == ["timeout": 0])
        #expect(ToxiproxyToxic.latency(.milliseconds(100), jitter: .milliseconds(20), name: "x").name == "x")
    }

    @Test func proxiesAreReadWithTheirToxics() async throws {
        let (client, _) = client(["GET /proxies": (200, Self.proxies)])
        let proxies = try await client.proxies()
        #expect(proxies["product"]?.toxics.map(\.name) == ["slow"])
        #expect(proxies["product"]?.toxics.first?.attributes == ["latency": 300, "jitter": 0])
        #expect(proxies["cart"]?.enabled == false)
        #expect(proxies["cart"]?.toxics == [], "null toxics read as none")
    }

    @Test func anUnknownProxyListsTheProxiesThereAre() async throws {
        let (client, _) = client([
            "POST /proxies/prodcut/toxics": (404, #"{"error":"proxy not found","status":404}"#),
            "GET /proxies": (200, Self.proxies),
        ])
        await #expect(throws: ToxiproxyError.proxyNotFound("prodcut", known: ["cart", "product"], url: Self.url)) {
            try await client.addToxic(.timeout(.zero), to: "prodcut")
        }
        let message = ToxiproxyError.proxyNotFound("prodcut", known: ["product", "cart"], url: Self.url)
            .localizedDescription
        #expect(message == "no proxy 'prodcut' at http://toxiproxy.test; it has: cart, product")
    }

    @Test func anUnknownToxicListsTheToxicsThereAre() async throws {
        let (client, _) = client([
            "DELETE /proxies/product/toxics/fast": (404, #"{"error":"toxic not found","status":404}"#),
            "GET /proxies/product": (
                200,
                #"{"name":"product","listen":"a:1","upstream":"b:2","enabled":true,"toxics":[{"name":"slow","type":"latency","stream":"downstream","toxicity":1,"attributes":{"latency":1}}]}"#
            ),
        ])
        await #expect(throws: ToxiproxyError.toxicNotFound("fast", proxy: "product", known: ["slow"], url: Self.url)) {
            try await client.removeToxic(named: "fast", from: "product")
        }
    }

    @Test func refusalsCarryTheAPIsMessage() async throws {
        let (client, _) = client([
            "POST /proxies/product/toxics": (409, #"{"error":"toxic already exists","status":409}"#),
            "POST /proxies/cart/toxics": (400, #"{"error":"invalid toxic type","status":400}"#),
            "POST /reset": (500, "boom\n"),
            "GET /version": (200, "<html>"),
        ])
        await #expect(throws: ToxiproxyError.toxicExists("timeout_downstream", proxy: "product", url: Self.url)) {
            try await client.addToxic(.timeout(.zero), to: "product")
        }
        await #expect(
            throws: ToxiproxyError.rejected(
                status: 400, message: "invalid toxic type", request: "POST /proxies/cart/toxics", url: Self.url)
        ) {
            try await client.addToxic(ToxiproxyToxic(type: "slicer"), to: "cart")
        }
        await #expect(
            throws: ToxiproxyError.rejected(status: 500, message: "boom", request: "POST /reset", url: Self.url)
        ) {
            try await client.reset()
        }
        do {
            _ = try await client.version()
            Issue.record("HTML read as a version")
        } catch {
            guard case .invalidResponse(let request, _, _) = error else { throw error }
            #expect(request == "GET /version")
        }
    }

    @Test func anUnreachableAPISaysWhereToLook() async throws {
        let port = try freePort()  // nothing listens there
        let client = ToxiproxyClient(url: "http://127.0.0.1:\(port)", timeout: .seconds(2))
        do {
            _ = try await client.proxies()
            Issue.record("a closed port answered")
        } catch {
            guard case .unreachable(let url, _) = error else { throw error }
            #expect(url == "http://127.0.0.1:\(port)")
            #expect(error.localizedDescription.contains("gameday lab status"))
        }
    }
}
