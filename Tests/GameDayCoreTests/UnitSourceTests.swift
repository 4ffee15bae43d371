import Foundation
import GameDayCore
import Testing

/// JSON Pointers (RFC 6901) and reading the serving unit from an answer's header or JSON body.
@Suite struct JSONPointerTests {
    /// A document as `JSONSerialization` gives it (which is not `Sendable`, so made per use).
    static func document() throws -> Any {
        try JSONSerialization.jsonObject(
            with: Data(
                #"""
                {"unit":"beijing","data":{"unit":"hangzhou","tags":["a","b"]},"a/b":1,"m~n":2,"":3,
                 "units":[{"name":"x"},{"name":"y"}],"10":"ten"}
                """#.utf8))
    }

    func value(_ pointer: String) throws -> Any? { try JSONPointer(pointer).value(in: Self.document()) }

    @Test func readsKeysAndNestedKeys() throws {
        #expect(try value("/unit") as? String == "beijing")
        #expect(try value("/data/unit") as? String == "hangzhou")
        #expect(try JSONPointer("/data/unit").tokens == ["data", "unit"])
    }

    @Test func unescapesTildeAndSlashInThatOrder() throws {
        #expect(try value("/a~1b") as? Int == 1)
        #expect(try value("/m~0n") as? Int == 2)
        // `~01` is `~1` as a key, not `/`: `~0` is unescaped on its own.
        #expect(try JSONPointer("/~01").tokens == ["~1"])
        #expect(try value("/") as? Int == 3, "the empty key")
    }

    @Test func readsArrayIndicesAsRFC6901SpellsThem() throws {
        #expect(try value("/data/tags/0") as? String == "a")
        #expect(try value("/data/tags/1") as? String == "b")
        #expect(try value("/units/1/name") as? String == "y")
        #expect(try value("/data/tags/2") == nil, "past the end")
        #expect(try value("/data/tags/-") == nil, "the slot after the last: nothing to read")
        #expect(try value("/data/tags/01") == nil, "a leading zero is no index")
        #expect(try value("/data/tags/+1") == nil)
        #expect(try value("/10") as? String == "ten", "digits are a key of an object")
    }

    @Test func missingValuesAreNil() throws {
        #expect(try value("/nope") == nil)
        #expect(try value("/data/nope/deeper") == nil)
        #expect(try value("/unit/0") == nil, "no step into a string")
    }

    @Test func theEmptyPointerIsTheWholeDocument() throws {
        #expect(try JSONPointer("").tokens.isEmpty)
        #expect(try JSONPointer("").value(in: "beijing") as? String == "beijing")
    }

    @Test func refusesTextThatIsNoPointer() {
        #expect(throws: JSONPointerError.noLeadingSlash("unit")) { try JSONPointer("unit") }
        #expect(throws: JSONPointerError.badEscape("/a~2")) { try JSONPointer("/a~2") }
        #expect(throws: JSONPointerError.badEscape("/a~")) { try JSONPointer("/a~") }
        #expect(
            JSONPointerError.noLeadingSlash("unit").description
                == "a JSON Pointer is empty (the whole body) or starts with '/', found 'unit' (did you mean '/unit'?)")
    }
}

@Suite struct UnitSourceTests {
    static func answer(_ body: String, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: 200, headers: headers, body: Array(body.utf8))
    }

    static func body(_ pointer: String) throws -> UnitSource { .body(try JSONPointer(pointer)) }

    @Test func aHeaderSourceReadsTheHeaderWithoutCase() {
        let source = UnitSource.header("X-Unit")
        #expect(source.read(Self.answer("", headers: [("x-unit", "beijing")])) == .unit("beijing"))
        #expect(source.read(Self.answer(#"{"unit":"beijing"}"#)) == .missing("no X-Unit header"))
    }

    @Test func aBodySourceReadsTheJSONAnswer() throws {
        #expect(try Self.body("/unit").read(Self.answer(#"{"unit":"beijing"}"#)) == .unit("beijing"))
        #expect(
            try Self.body("/data/served~1by").read(Self.answer(#"{"data":{"served/by":"hangzhou"}}"#))
                == .unit("hangzhou"))
        #expect(try Self.body("/units/0").read(Self.answer(#"{"units":["shenzhen"]}"#)) == .unit("shenzhen"))
        #expect(try Self.body("/unit").read(Self.answer(#"{"unit":7}"#)) == .unit("7"), "a number is its text")
        #expect(try Self.body("").read(Self.answer(#""beijing""#)) == .unit("beijing"))
        // The header is not looked at.
        #expect(
            try Self.body("/unit").read(Self.answer("{}", headers: [("X-Unit", "beijing")]))
                == .missing("no unit at /unit"))
    }

    @Test func aBodySourceSaysWhyThereIsNoUnit() throws {
        let source = try Self.body("/unit")
        #expect(source.read(Self.answer("<html>503</html>")) == .missing("no unit: the body is not JSON"))
        #expect(source.read(Self.answer("")) == .missing("no unit: the body is not JSON"))
        #expect(source.read(Self.answer(#"{"unit":"beij"#)) == .missing("no unit: the body is not JSON"))
        #expect(source.read(Self.answer(#"{"other":1}"#)) == .missing("no unit at /unit"))
        #expect(source.read(Self.answer(#"{"unit":null}"#)) == .missing("no unit at /unit"))
        #expect(source.read(Self.answer(#"[1,2]"#)) == .missing("no unit at /unit"))
        #expect(
            source.read(Self.answer(#"{"unit":{"name":"x"}}"#)) == .missing("no unit at /unit: an object, not text"))
        #expect(source.read(Self.answer(#"{"unit":["x"]}"#)) == .missing("no unit at /unit: a list, not text"))
        #expect(source.read(Self.answer(#"{"unit":true}"#)) == .missing("no unit at /unit: true or false, not text"))
    }

    @Test func describesItselfForMessagesAndPlans() throws {
        #expect(UnitSource.standard.description == "the X-Unit header")
        #expect(try Self.body("/data/unit").description == "/data/unit of the JSON body")
        #expect(try Self.body("").description == "the JSON body itself")
    }
}
