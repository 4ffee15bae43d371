import Foundation
import GameDayRuntime
import Testing

@testable import GameDayCore

/// `{{vars.NAME}}` filled in anywhere in a drill or target file, read from real files: typed where
/// a scalar is the reference alone, text inside a longer one, errors where the reference is.
@Suite struct VariableSubstitutionTests {
    /// A folder of its own under the temporary directory, removed after the test.
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gameday-vars-\(UUID().uuidString)")

        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

        deinit { try? FileManager.default.removeItem(at: url) }

        func write(_ name: String, _ text: String) throws -> String {
            let path = url.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    static let drill = """
        drill: "{{vars.name}}"
        probe:
          interval: "{{vars.interval}}"
          timeout: "{{vars.timeout_ms}}ms"
          request:
            url: "{{vars.gateway}}/storefront?userId={{user.id}}&env={{ vars.env }}"
            headers: { Authorization: "Bearer {{vars.api_token}}" }
        users:
          - id: "{{vars.user}}"
            home: "{{vars.unit}}"
            impact: fail
        faults:
          - name: product-port
            kind: block-port
            unit: "{{vars.unit}}"
            ports: "{{vars.port}}"
        """

    static let given = Variables([
        .init(name: "name", value: "vars-drill", origin: .argument),
        .init(name: "interval", value: "250ms", origin: .argument),
        .init(name: "timeout_ms", value: "1500", origin: .argument),
        .init(name: "gateway", value: "http://gw.staging:9300", origin: .argument),
        .init(name: "env", value: "staging", origin: .argument),
        .init(name: "api_token", value: "s3cr3t", origin: .argument),
        .init(name: "user", value: "6000", origin: .argument),
        .init(name: "unit", value: "hangzhou", origin: .argument),
        .init(name: "port", value: "9311", origin: .argument),
    ])

    @Test func fillsNamesIdsDurationsPortsAndURLsAndLeavesRunTimeValues() throws {
        let folder = try Folder()
        let path = try folder.write("drill.yaml", Self.drill)
        var usage = VariableUsage()
        let drill = try DrillLoader.loadDrill(path: path, variables: Self.given, usage: &usage)

        #expect(drill.name == "vars-drill")
        #expect(drill.probe.interval == .milliseconds(250))
        #expect(drill.probe.timeout == .milliseconds(1500))
        #expect(drill.users.map(\.id) == ["6000"])
        #expect(drill.users.first?.home == "hangzhou")
        #expect(drill.faults.first?.unit == "hangzhou")
        guard case .blockPort(let block)? = drill.faults.first?.action else {
            Issue.record("not a port block: \(String(describing: drill.faults.first?.action))")
            return
        }
        #expect(block.ports == [PortRange(9311)])
        // `{{user.id}}` stays for run time, next to the filled-in values.
        let url = drill.probe.request.url
        #expect(url.source == "http://gw.staging:9300/storefront?userId={{user.id}}&env=staging")
        #expect(url.variables == ["user.id"])
        let context = TemplateContext(values: [TemplateVariables.userID: "6000"], environment: { _ in nil })
        #expect(try url.render(context).value == "http://gw.staging:9300/storefront?userId=6000&env=staging")
        // A secret is sent, and shown as *** wherever the request is printed or archived.
        let header = try #require(drill.probe.request.headers.first)
        #expect(try header.value.render(context) == RenderedString(value: "Bearer s3cr3t", redacted: "Bearer ***"))
        #expect(header.value.source == "Bearer ***")
        #expect(usage.names == Set(Self.given.names) && usage.isComplete)
        #expect(Self.given.unused(usage).isEmpty)
    }

    @Test func aReferenceAloneTakesTheValuesTypeAndInsideTextIsText() throws {
        let drill = """
            drill: typed
            probe:
              max_in_flight: "{{vars.flights}}"
              request: { url: "http://gw/{{vars.flights}}", body: { count: "{{vars.flights}}", note: "{{vars.note}}" } }
            users: [{ id: 50 }]
            faults: [{ name: down, kind: kill-process, unit: u, service: s }]
            """
        let typed = Variables([
            .init(name: "flights", value: "8", origin: .argument),
            .init(name: "note", value: "8", isTyped: false, origin: .argument),
        ])
        var usage = VariableUsage()
        let read = try DrillLoader.parseDrill(yaml: drill, file: "d.yaml", variables: typed, usage: &usage)
        #expect(read.probe.maxInFlight == 8)
        #expect(read.probe.request.url.source == "http://gw/8")
        // In a body, a typed value is a JSON number; a var file's quoted one stays a string.
        #expect(read.probe.request.body == .object([("count", .integer(8)), ("note", .string("8"))]))

        // A var file's "8" is a string, where an integer is wanted: the error is at the drill's scalar.
        let quoted = Variables([
            .init(
                name: "flights", value: "8", isTyped: false,
                origin: .file(SourceLocation(file: "v.yaml", line: 1, column: 1))),
            .init(name: "note", value: "n", origin: .argument),
        ])
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(yaml: drill, file: "d.yaml", variables: quoted, usage: &usage)
        }
        #expect(
            error?.diagnostics.map(\.description) == [
                "d.yaml:3:18: error: expected an integer, found the string '8' (filled in from {{vars.flights}})"
            ])
    }

    @Test func anUnknownVariableIsAnErrorAtItsPlaceWithASuggestion() throws {
        let drill = """
            drill: unknown
            probe:
              interval: "{{vars.intervall}}"
              request: { url: "{{gateway.url}}/a?u={{user.id}}&env={{vars.env}}&zone={{vars.zone}}" }
            users: [{ id: 50 }]
            faults: [{ name: down, kind: kill-process, unit: u, service: s }]
            """
        let given = Variables([
            .init(name: "interval", value: "1s", origin: .argument),
            .init(name: "env", value: "prod", origin: .argument),
        ])
        var usage = VariableUsage()
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(yaml: drill, file: "d.yaml", variables: given, usage: &usage)
        }
        // Nothing more about the scalars they are in: no "expected a duration" for line 3.
        #expect(
            error?.diagnostics.map(\.description) == [
                "d.yaml:3:14: error: unknown variable 'intervall' (did you mean 'interval'?)",
                "d.yaml:4:74: error: unknown variable 'zone'; given: env, interval; "
                    + "or give it with --var zone=VALUE or in a --var-file",
            ])
        #expect(usage.names == ["env"])

        let none = #expect(throws: DiagnosticsError.self) { try DrillLoader.parseDrill(yaml: drill, file: "d.yaml") }
        #expect(
            none?.diagnostics.first?.description
                == "d.yaml:3:14: error: unknown variable 'intervall': no variable was given; "
                + "give it with --var intervall=VALUE or in a --var-file")
        let badName = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(
                yaml: drill.replacingOccurrences(of: "vars.zone", with: "vars.a.b"), file: "d.yaml")
        }
        #expect(
            badName?.diagnostics.contains {
                $0.description
                    == "d.yaml:4:74: error: '{{vars.a.b}}' does not name a variable: a variable's name is letters, "
                    + "digits, '_' and '-'"
            } == true)
    }

    @Test func anUnusedVariableIsAnErrorWhereItWasGiven() throws {
        let given = Variables([
            .init(name: "unit", value: "beijing", origin: .argument),
            .init(name: "zone", value: "a", origin: .file(SourceLocation(file: "vars.yaml", line: 3, column: 1))),
            .init(name: "env", value: "prod", origin: .argument),
        ])
        var usage = VariableUsage()
        let drill = try DrillLoader.parseDrill(
            yaml: "drill: d\nprobe: { request: { url: \"http://gw/{{vars.env}}\" } }\nusers: [{ id: 1 }]\n"
                + "faults: [{ name: a, kind: kill-process, unit: u, service: s }]\n",
            file: "d.yaml", variables: given, usage: &usage)
        #expect(drill.probe.request.url.source == "http://gw/prod")
        #expect(
            given.unused(usage).map(\.description) == [
                "--var unit=…: error: variable 'unit' is never used: no file has '{{vars.unit}}'; "
                    + "remove it, or check the name where it should be used",
                "vars.yaml:3:1: error: variable 'zone' is never used: no file has '{{vars.zone}}'; "
                    + "remove it, or check the name where it should be used",
            ])
        // A file that is not YAML: what it would use is unknown, so nothing is called unused.
        _ = try? DrillLoader.parseDrill(yaml: "drill: [", file: "bad.yaml", variables: given, usage: &usage)
        #expect(!usage.isComplete && given.unused(usage).isEmpty)
    }

    @Test func aSecretIsRefusedWhereItWouldBePrinted() throws {
        let drill = """
            drill: secret
            probe: { request: { url: "http://gw/{{vars.db_password}}" } }
            users: [{ id: 50 }]
            faults: [{ name: down, kind: kill-process, unit: "{{vars.db_password}}", service: s }]
            """
        let given = Variables([.init(name: "db_password", value: "hunter2", origin: .argument)])
        var usage = VariableUsage()
        let error = #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(yaml: drill, file: "d.yaml", variables: given, usage: &usage)
        }
        #expect(error?.diagnostics.map(\.location.line) == [4])
        #expect(error?.description.contains("a secret variable may only be used in a request's url") == true)
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func targetsTakeVariablesToo() throws {
        let folder = try Folder()
        let path = try folder.write(
            "target.yaml",
            """
            target: "{{vars.env}}-lab"
            gateway: { url: "http://127.0.0.1:{{vars.gateway_port}}" }
            control_plane: { url: "http://127.0.0.1:9301" }
            routing:
              ranges: [{ from: 0, to: 9999, unit: "{{vars.unit}}" }]
            units:
              "{{vars.unit}}":
                services:
                  product: { process: { port: "{{vars.product_port}}" } }
            """)
        let given = Variables([
            .init(name: "env", value: "staging", origin: .argument),
            .init(name: "gateway_port", value: "9300", origin: .argument),
            .init(name: "unit", value: "beijing", origin: .argument),
            .init(name: "product_port", value: "9311", origin: .argument),
        ])
        var usage = VariableUsage()
        let target = try DrillLoader.loadTarget(path: path, variables: given, usage: &usage)
        #expect(target.name == "staging-lab")
        #expect(target.gatewayURL == "http://127.0.0.1:9300")
        #expect(target.units.map(\.name) == ["beijing"])
        #expect(target.units.first?.services.first?.process == .port(9311))
        #expect(given.unused(usage).isEmpty)
    }
}
