import Foundation
import Testing

@testable import GameDayLab

/// The admin API's requests, routes and JSON, without a process.
@Suite("Fault proxy requests and JSON")
struct FaultProxyRequestTests {
    func toxic(_ json: String, existing: [Toxic] = []) throws -> Toxic {
        try ToxicRequest.decode(Array(json.utf8)).toxic(id: 7, existing: existing)
    }

    func error(_ json: String, existing: [Toxic] = []) -> FaultProxyAPIError? {
        do {
            _ = try toxic(json, existing: existing)
            return nil
        } catch let error as FaultProxyAPIError {
            return error
        } catch {
            Issue.record("not an API error: \(error)")
            return nil
        }
    }

    @Test func aToxicTakesToxiproxysDefaults() throws {
        let latency = try toxic(#"{"type":"latency","attributes":{"latency":300}}"#)
        #expect(latency.name == "latency_downstream")
        #expect(latency.stream == .downstream)
        #expect(latency.toxicity == 1)
        #expect(latency.kind == .latency(latency: .milliseconds(300), jitter: .zero))
        let upstream = try toxic(#"{"name":"cut","type":"timeout","stream":"upstream","toxicity":0.5}"#)
        #expect(upstream.name == "cut")
        #expect(upstream.kind == .timeout(.zero))
        #expect(upstream.toxicity == 0.5)
        #expect(try toxic(#"{"type":"bandwidth","attributes":{"rate":100.0}}"#).kind == .bandwidth(rate: 100))
        #expect(try toxic(#"{"type":"reset_peer","name":""}"#).name == "reset_peer_downstream")
    }

    @Test func aToxicIsEncodedAsToxiproxyEncodesIt() throws {
        let encoded = try JSONEncoder().encode(
            try toxic(#"{"type":"latency","attributes":{"latency":300,"jitter":20}}"#))
        let object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        #expect(Set(object.keys) == ["name", "type", "stream", "toxicity", "attributes"])
        #expect(object["type"] as? String == "latency")
        #expect(object["stream"] as? String == "downstream")
        #expect(object["toxicity"] as? Double == 1)
        let attributes = try #require(object["attributes"] as? [String: Any])
        #expect(attributes["latency"] as? Int == 300)
        #expect(attributes["jitter"] as? Int == 20)
    }

    @Test func badToxicsAreRefusedWithToxiproxysErrors() throws {
        #expect(error(#"{"type":"slicer"}"#)?.status == 400)
        #expect(error(#"{"type":"slicer"}"#)?.message.hasPrefix("invalid toxic type") == true)
        #expect(error(#"{"attributes":{}}"#)?.message.hasPrefix("invalid toxic type") == true)
        #expect(error(#"{"type":"latency","stream":"sideways"}"#) == .invalidStream)
        let existing = try toxic(#"{"type":"latency"}"#)
        #expect(error(#"{"type":"latency"}"#, existing: [existing]) == .toxicAlreadyExists)
        #expect(error(#"{"type":"latency"}"#, existing: [existing])?.status == 409)
        #expect(error(#"{"type":"latency","attributes":{"latency":-5}}"#)?.message.contains("negative") == true)
        #expect(error(#"{"type":"latency","toxicity":1.5}"#)?.message.contains("between 0 and 1") == true)
        #expect(error(#"{"type":"bandwidth","attributes":{"rate":0}}"#)?.message.contains("rate") == true)
    }

    @Test func undecodableBodiesAreBadRequestBodies() {
        #expect(error("{bad") == .badRequestBody("not valid JSON"))
        #expect(error("") == .badRequestBody("the body is empty; send a JSON object"))
        let wrongType = error(#"{"type":"latency","attributes":{"latency":"slow"}}"#)
        #expect(wrongType?.status == 400)
        #expect(wrongType?.message.contains("attributes.latency") == true, "\(String(describing: wrongType))")
        #expect(error(#"{"type":"latency","attributes":{"latency":1.5}}"#)?.message.contains("whole number") == true)
        #expect(error(#"{"type":7}"#)?.message == "bad request body: 'type' must be a string")
        // Attributes of other toxic types are ignored, as Toxiproxy ignores unknown fields.
        #expect(error(#"{"type":"latency","attributes":{"colour":"red"}}"#) == nil)
    }

    @Test func anUpdateChangesAttributesAndToxicityOnly() throws {
        let original = try toxic(#"{"name":"slow","type":"latency","attributes":{"latency":300,"jitter":20}}"#)
        let request = try ToxicRequest.decode(
            Array(#"{"name":"other","type":"timeout","toxicity":0.25,"attributes":{"latency":50}}"#.utf8))
        let updated = try request.updating(original)
        #expect(updated.name == "slow")
        #expect(updated.id == original.id)
        #expect(updated.kind == .latency(latency: .milliseconds(50), jitter: .milliseconds(20)))
        #expect(updated.toxicity == 0.25)
    }

    @Test func routesFollowToxiproxy() {
        func route(_ method: String, _ path: String) -> FaultProxyRoute? {
            try? FaultProxyRoute.match(method: method, path: path).get()
        }
        #expect(route("GET", "/proxies") == .listProxies)
        #expect(route("POST", "/proxies") == .createProxy)
        #expect(route("GET", "/proxies/product") == .showProxy("product"))
        #expect(route("POST", "/proxies/product") == .updateProxy("product"))
        #expect(route("PATCH", "/proxies/product") == .updateProxy("product"))
        #expect(route("DELETE", "/proxies/product") == .deleteProxy("product"))
        #expect(route("GET", "/proxies/product/toxics") == .listToxics(proxy: "product"))
        #expect(route("POST", "/proxies/product/toxics") == .createToxic(proxy: "product"))
        #expect(route("GET", "/proxies/product/toxics/slow") == .showToxic("slow", proxy: "product"))
        #expect(route("PATCH", "/proxies/product/toxics/slow") == .updateToxic("slow", proxy: "product"))
        #expect(route("DELETE", "/proxies/a%20b/toxics/slow") == .deleteToxic("slow", proxy: "a b"))
        #expect(route("POST", "/reset") == .reset)
        #expect(route("GET", "/version") == .version)
        #expect(route("GET", "/health") == .health)
        #expect(throws: FaultProxyAPIError(message: "no such endpoint: /populate/x", status: 404)) {
            try FaultProxyRoute.match(method: "GET", path: "/populate/x").get()
        }
        #expect((try? FaultProxyRoute.match(method: "PUT", path: "/proxies").get()) == nil)
        if case .failure(let error) = FaultProxyRoute.match(method: "GET", path: "/reset") {
            #expect(error.status == 405)
        }
    }

    @Test func proxySpecsAndAddressesParse() {
        let spec = FaultProxySpec(argument: "product=127.0.0.1:9314,127.0.0.1:9311")
        #expect(spec == FaultProxySpec(name: "product", listen: "127.0.0.1:9314", upstream: "127.0.0.1:9311"))
        #expect(spec?.argument == "product=127.0.0.1:9314,127.0.0.1:9311")
        for bad in [
            "product", "=127.0.0.1:1,127.0.0.1:2", "p=127.0.0.1:1", "p=127.0.0.1:x,127.0.0.1:2", "p=a:1,b:70000",
        ] {
            #expect(FaultProxySpec(argument: bad) == nil, "\(bad)")
        }
        #expect(ProxyAddress("[::1]:8080") == ProxyAddress(host: "::1", port: 8080))
        #expect(ProxyAddress("[::1]:8080")?.description == "[::1]:8080")
        #expect(ProxyAddress("localhost:6379")?.host == "localhost")
        #expect(ProxyAddress(":80") == nil)
        #expect(ProxyAddress("127.0.0.1") == nil)
    }
}
