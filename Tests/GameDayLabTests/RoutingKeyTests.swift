import Testing

@testable import GameDayLab

@Suite("Routing key lookup")
struct RoutingKeyTests {
    @Test func queryComesBeforeHeaderBeforeCookie() {
        #expect(RoutingKey.extract(key: "userId", query: "1", header: "2", cookie: "3") == .success(1))
        #expect(RoutingKey.extract(key: "userId", query: nil, header: "2", cookie: "3") == .success(2))
        #expect(RoutingKey.extract(key: "userId", query: nil, header: nil, cookie: "3") == .success(3))
    }

    @Test func missingAndMalformedKeysAreErrors() {
        #expect(
            RoutingKey.extract(key: "userId", query: nil, header: nil, cookie: nil) == .failure(.missing(key: "userId"))
        )
        #expect(
            RoutingKey.extract(key: "userId", query: "abc", header: "2", cookie: nil)
                == .failure(.notAnInteger(key: "userId", source: "query", value: "abc")),
            "a malformed key is not silently replaced by the next source")
    }

    @Test func negativeKeysAreIntegers() {
        #expect(RoutingKey.extract(key: "userId", query: "-5", header: nil, cookie: nil) == .success(-5))
    }
}
