import GameDayCore
import Testing

@Suite struct TemplateTests {
    let context = TemplateContext(
        values: ["gateway.url": "http://127.0.0.1:9300", "user.id": "6000"],
        secrets: ["control_plane.token": "s3cret"],
        environment: { $0 == "GAMEDAY_TOKEN" ? "from-env" : nil })

    @Test func parsesVariablesAndEnvironment() throws {
        let template = try Template(parsing: "{{gateway.url}}/x?u={{ user.id }}&t=${GAMEDAY_TOKEN}")
        #expect(template.variables == ["gateway.url", "user.id"])
        #expect(template.environmentNames == ["GAMEDAY_TOKEN"])
        #expect(template.source == "{{gateway.url}}/x?u={{ user.id }}&t=${GAMEDAY_TOKEN}")
    }

    @Test func rendersValues() throws {
        let rendered = try Template(parsing: "{{gateway.url}}/storefront?userId={{user.id}}").render(context)
        #expect(rendered.value == "http://127.0.0.1:9300/storefront?userId=6000")
        #expect(rendered.redacted == rendered.value)
    }

    @Test func redactsEnvironmentAndSecretValues() throws {
        let rendered = try Template(parsing: "Bearer {{control_plane.token}} ${GAMEDAY_TOKEN} {{user.id}}").render(
            context)
        #expect(rendered.value == "Bearer s3cret from-env 6000")
        #expect(rendered.redacted == "Bearer *** *** 6000")
    }

    @Test func missingEnvironmentIsAnError() throws {
        let template = try Template(parsing: "${NOT_SET}")
        #expect(throws: TemplateError.missingEnvironment("NOT_SET")) { try template.render(context) }
        #expect(TemplateError.missingEnvironment("NOT_SET").description.contains("export it"))
    }

    @Test func unknownValueIsAnError() throws {
        let template = try Template(parsing: "{{cutover.id}}")
        #expect(
            throws: TemplateError.unknownValue("cutover.id", known: ["control_plane.token", "gateway.url", "user.id"])
        ) {
            try template.render(context)
        }
    }

    @Test(arguments: [
        ("{{gateway.url", "'{{' is never closed with '}}'", 0),
        ("x ${TOKEN", "'${' is never closed with '}'", 2),
        ("{{ }}", "'{{ }}' does not name a value", 0),
        ("${A-B}", "'${A-B}' does not name a value", 0),
    ])
    func refusesMalformedTemplates(text: String, message: String, offset: Int) {
        let error = #expect(throws: Template.ParseError.self) { try Template(parsing: text) }
        #expect(error?.message == message)
        #expect(error?.offset == offset)
    }

    @Test func rendersAJSONBodyInOrderWithRedaction() throws {
        let body = JSONTemplate.object([
            ("user", .string("{{user.id}}")),
            ("token", .string("{{control_plane.token}}")),
            ("n", .integer(5)), ("w", .number(0.5)), ("ok", .bool(true)), ("none", .null),
            ("list", .array([.string("a\"b")])),
        ])
        let rendered = try body.render(context)
        #expect(
            rendered.value == #"{"user":"6000","token":"s3cret","n":5,"w":0.5,"ok":true,"none":null,"list":["a\"b"]}"#)
        #expect(
            rendered.redacted == #"{"user":"6000","token":"***","n":5,"w":0.5,"ok":true,"none":null,"list":["a\"b"]}"#)
        #expect(body.templates.count == 3)
    }
}
