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

@Suite("Routing key in the path")
struct RoutingKeyPathTests {
    @Test func aUsersPathGivesTheKeyAndThePathLeft() {
        #expect(RoutingKey.split(path: "/users/6000/storefront")! == ("6000", "/storefront"))
        #expect(RoutingKey.split(path: "/users/6000")! == ("6000", "/"))
        #expect(RoutingKey.split(path: "/users/abc/orders")! == ("abc", "/orders"))
        #expect(RoutingKey.split(path: "/users/") == nil)
        #expect(RoutingKey.split(path: "/users//storefront") == nil)
        #expect(RoutingKey.split(path: "/storefront") == nil)
        #expect(RoutingKey.split(path: "/usersx/1/storefront") == nil)
    }

    @Test func thePathComesFirstAndAMalformedOneIsAnError() {
        #expect(RoutingKey.extract(key: "userId", path: "7", query: "1", header: "2", cookie: "3") == .success(7))
        #expect(
            RoutingKey.extract(key: "userId", path: "x", query: "1", header: nil, cookie: nil)
                == .failure(.notAnInteger(key: "userId", source: "path", value: "x")))
        #expect(RoutingKey.Problem.missing(key: "userId").message.contains("path '/users/{userId}/...'"))
    }
}
