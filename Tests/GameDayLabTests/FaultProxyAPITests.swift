import Foundation
import GameDayTestSupport
import Testing

@testable import GameDayLab

extension LabIntegration {
    /// The admin API of a running fault proxy: Toxiproxy's routes, status codes and error shapes.
    @Suite("Fault proxy admin API")
    struct FaultProxyAPI {
        @Test func errorsHaveToxiproxysShape() async throws {
            try await TestLab.withLab { lab in
                let admin = try FaultProxyAdmin(lab)
                func expectError(
                    _ method: String, _ path: String, _ body: String? = nil, status: Int, message: String,
                    sourceLocation: Testing.SourceLocation = #_sourceLocation
                ) async throws {
                    let error = try await admin.object(
                        method, path, body, status: status, sourceLocation: sourceLocation)
                    #expect(error["status"] as? Int == status, sourceLocation: sourceLocation)
                    let text = error["error"] as? String ?? ""
                    #expect(text.hasPrefix(message), "\(text)", sourceLocation: sourceLocation)
                    #expect(Set(error.keys) == ["error", "status"], sourceLocation: sourceLocation)
                }
                try await expectError("GET", "/proxies/nope", status: 404, message: "proxy not found")
                try await expectError(
                    "POST", "/proxies/nope/toxics", #"{"type":"latency"}"#, status: 404, message: "proxy not found")
                try await expectError(
                    "POST", "/proxies", #"{"name":"product","upstream":"127.0.0.1:1"}"#, status: 409,
                    message: "proxy already exists")
                try await expectError(
                    "POST", "/proxies/product/toxics", #"{"type":"slicer"}"#, status: 400, message: "invalid toxic type"
                )
                try await expectError(
                    "POST", "/proxies/product/toxics", #"{"type":"latency","stream":"both"}"#, status: 400,
                    message: "stream was invalid, can be either upstream or downstream")
                try await expectError(
                    "POST", "/proxies/product/toxics", "{not json", status: 400, message: "bad request body")
                try await expectError(
                    "POST", "/proxies", #"{"upstream":"127.0.0.1:1"}"#, status: 400,
                    message: "missing required field: name")
                try await expectError("GET", "/proxies/product/toxics/nope", status: 404, message: "toxic not found")
                try await expectError("DELETE", "/proxies/product/toxics/nope", status: 404, message: "toxic not found")

                try await admin.addToxic(#"{"type":"latency","attributes":{"latency":10}}"#)
                try await expectError(
                    "POST", "/proxies/product/toxics", #"{"type":"latency"}"#, status: 409,
                    message: "toxic already exists")

                let listen = try #require(
                    try await admin.object("GET", "/proxies/product")["listen"] as? String)
                try await expectError(
                    "POST", "/proxies", #"{"name":"clash","listen":"\#(listen)","upstream":"127.0.0.1:1"}"#,
                    status: 500,
                    message: "listen tcp \(listen)")
                #expect(
                    try await admin.call("GET", "/proxies/clash").status == 404,
                    "a proxy that could not listen is not kept")
            }
        }

        @Test func proxiesAndToxicsCanBeListedShownUpdatedAndDeleted() async throws {
            try await TestLab.withLab { lab in
                let admin = try FaultProxyAdmin(lab)
                #expect((try await admin.object("GET", "/version")["version"] as? String)?.isEmpty == false)

                let product = try await admin.object("GET", "/proxies/product")
                #expect(product["name"] as? String == "product")
                #expect(product["enabled"] as? Bool == true)
                #expect(product["upstream"] as? String == "127.0.0.1:\(try lab.port(of: "beijing-product"))")

                let added = try await admin.object(
                    "POST", "/proxies/product/toxics",
                    #"{"name":"slow","type":"latency","stream":"upstream","toxicity":0.5,"attributes":{"latency":300,"jitter":10}}"#
                )
                #expect(added["name"] as? String == "slow")
                #expect(added["stream"] as? String == "upstream")
                #expect(added["toxicity"] as? Double == 0.5)
                let updated = try await admin.object(
                    "POST", "/proxies/product/toxics/slow", #"{"attributes":{"latency":50}}"#)
                let attributes = try #require(updated["attributes"] as? [String: Any])
                #expect(attributes["latency"] as? Int == 50)
                #expect(attributes["jitter"] as? Int == 10, "attributes left out keep their value")
                #expect(try await admin.object("GET", "/proxies/product/toxics/slow")["toxicity"] as? Double == 0.5)

                let listed = try await admin.call("GET", "/proxies/product/toxics")
                let toxics = try #require(try JSONSerialization.jsonObject(with: Data(listed.body)) as? [[String: Any]])
                #expect(toxics.map { $0["name"] as? String } == ["slow"])
                let all = try await admin.object("GET", "/proxies")
                #expect(((all["product"] as? [String: Any])?["toxics"] as? [Any])?.count == 1)

                #expect(try await admin.call("DELETE", "/proxies/product/toxics/slow").status == 204)
                #expect(((try await admin.object("GET", "/proxies/product"))["toxics"] as? [Any])?.isEmpty == true)

                let created = try await admin.object(
                    "POST", "/proxies", #"{"name":"spare","upstream":"127.0.0.1:1","enabled":false}"#, status: 201)
                #expect(created["enabled"] as? Bool == false)
                #expect(try await admin.call("DELETE", "/proxies/spare").status == 204)
                #expect(try await admin.call("DELETE", "/proxies/spare").status == 404)
            }
        }
    }
}
