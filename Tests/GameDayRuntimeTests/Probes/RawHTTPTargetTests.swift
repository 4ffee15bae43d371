import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// Which requests the engine's own HTTP client takes, and the bytes it sends for them.
@Suite struct RawHTTPTargetTests {
    static func text(_ request: HTTPRequest) -> String? {
        RawHTTPTarget(request).map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test func aGetIsWhatCurlSends() {
        let request = HTTPRequest(
            url: "http://127.0.0.1:8080/p?userId=50#top", headers: [("X-Drill", "yes"), ("Accept", "application/json")])
        #expect(
            Self.text(request)
                == "GET /p?userId=50 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Drill: yes\r\nAccept: application/json\r\n\r\n"
        )
        #expect(RawHTTPTarget(request)?.head == false)
    }

    @Test func port80IsLeftOutOfHostAndAnEmptyPathIsTheRoot() {
        #expect(
            Self.text(HTTPRequest(url: "http://10.0.0.1")) == "GET / HTTP/1.1\r\nHost: 10.0.0.1\r\nAccept: */*\r\n\r\n")
        #expect(
            Self.text(HTTPRequest(method: "head", url: "http://[::1]:81/h"))
                == "HEAD /h HTTP/1.1\r\nHost: [::1]:81\r\nAccept: */*\r\n\r\n")
        #expect(RawHTTPTarget(HTTPRequest(method: "HEAD", url: "http://[::1]:81/h"))?.head == true)
    }

    @Test func aHeaderWithAnEmptyValueRemovesItAsInCurl() {
        let request = HTTPRequest(url: "http://127.0.0.1:9/", headers: [("Accept", ""), ("Host", "shop.example")])
        #expect(Self.text(request) == "GET / HTTP/1.1\r\nHost: shop.example\r\n\r\n")
    }

    @Test func aBodyCarriesItsLengthAndCurlsDefaultType() {
        let request = HTTPRequest(method: "POST", url: "http://127.0.0.1:9/switch", body: Array("a=1".utf8))
        #expect(
            Self.text(request)
                == "POST /switch HTTP/1.1\r\nHost: 127.0.0.1:9\r\nAccept: */*\r\nContent-Length: 3\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n\r\na=1")
        let typed = HTTPRequest(
            method: "PUT", url: "http://127.0.0.1:9/", headers: [("Content-Type", "application/json")], body: [])
        #expect(
            Self.text(typed)
                == "PUT / HTTP/1.1\r\nHost: 127.0.0.1:9\r\nAccept: */*\r\nContent-Type: application/json\r\n"
                + "Content-Length: 0\r\n\r\n")
    }

    /// Everything the client does not do as curl would is left to curl.
    @Test(arguments: [
        HTTPRequest(url: "https://127.0.0.1/"),
        HTTPRequest(url: "http://localhost:8080/"),
        HTTPRequest(url: "http://gateway.shop.internal/"),
        HTTPRequest(url: "http://127.1/"),
        HTTPRequest(url: "http://drill:secret@127.0.0.1/"),
        HTTPRequest(url: "http://127.0.0.1:0/"),
        HTTPRequest(method: "GET", url: "http://127.0.0.1/", body: [1]),
        HTTPRequest(method: "GET /x", url: "http://127.0.0.1/"),
        HTTPRequest(url: "http://127.0.0.1/", headers: [("X-Bad", "a\r\nInjected: yes")]),
        HTTPRequest(url: "http://127.0.0.1/", headers: [("Bad Name", "x")]),
        HTTPRequest(url: "not a url"),
    ])
    func requestsForCurl(_ request: HTTPRequest) {
        #expect(RawHTTPTarget(request) == nil, "\(request.method) \(request.url)")
    }

    @Test func theAddressIsTheURLsNumber() throws {
        let target = try #require(RawHTTPTarget(HTTPRequest(url: "http://127.0.0.2:8081/")))
        let address = target.address.withUnsafeBytes { $0.load(as: sockaddr_in.self) }
        #expect(Int32(address.sin_family) == AF_INET)
        #expect(UInt16(bigEndian: address.sin_port) == 8081)
        #expect(UInt32(bigEndian: address.sin_addr.s_addr) == 0x7F00_0002)
    }
}
