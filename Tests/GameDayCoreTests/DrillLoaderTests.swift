import GameDayRuntime
import GameDayTestSupport
import Testing

@testable import GameDayCore

/// Valid drill files read into exactly the model values they describe.
@Suite struct DrillLoaderTests {
    let file = "valid/drill.yaml"

    func at(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(file: file, line: line, column: column) }

    @Test func readsEveryKeyOfAFullDrill() throws {
        let drill = try DrillLoader.parseDrill(yaml: Fixture.text(file), file: file)

        let probe = ProbeSpec(
            interval: .milliseconds(250), timeout: .seconds(2),
            request: RequestTemplate(
                method: "GET", url: "{{gateway.url}}/storefront?userId={{user.id}}",
                headers: [
                    HeaderTemplate(name: "Accept", value: "application/json"),
                    HeaderTemplate(name: "X-Drill", value: "{{drill.name}}/{{run.id}}"),
                ],
                location: at(9, 5)),
            success: SuccessCriteria(
                status: [200, 204], headers: ["X-Unit": "beijing"], bodyContains: [#""ok":true"#]),
            unitFrom: .header("X-Served-By"))
        let users = [
            TestUser(
                id: 6000, name: "beijing-user", home: "beijing", impact: .fail, recoversOn: "hangzhou",
                location: at(19, 5)),
            TestUser(id: 50, home: "hangzhou", location: at(24, 5)),
        ]
        let signal = try #require(SignalName("TERM"))
        let faults = [
            FaultSpec(
                name: "product-down", unit: "beijing", service: "product",
                action: .killProcess(signal: signal, restart: false), location: at(28, 5))
        ]
        let body = JSONTemplate.object([
            ("from", .string("{{fault.unit}}")),
            ("to", .string("hangzhou")),
            ("range", .object([("from", .integer(5000)), ("to", .integer(9999))])),
            ("weight", .number(0.5)),
            ("dry_run", .bool(false)),
            ("note", .null),
            ("users", .array([.integer(6000), .string("6001")])),
        ])
        let cutover = CutoverSpec(
            request: RequestTemplate(
                method: "POST", url: "{{control_plane.url}}/v1/cutovers",
                headers: [HeaderTemplate(name: "Authorization", value: "Bearer {{control_plane.token}}")], body: body,
                location: at(37, 5)),
            accept: [202], idField: "task.id",
            poll: PollSpec(
                request: RequestTemplate(
                    url: "{{control_plane.url}}/v1/cutovers/{{cutover.id}}",
                    headers: [HeaderTemplate(name: "Authorization", value: "Bearer ${GAMEDAY_TOKEN}")],
                    location: at(52, 7)),
                field: "status.phase", done: ["completed"], failed: ["failed", "aborted"],
                interval: .milliseconds(200), timeout: .seconds(60)))
        let cutback = CutoverSpec(
            request: RequestTemplate(
                method: "POST", url: "{{control_plane.url}}/v1/cutovers/reset", location: at(65, 14)))
        let expected = Drill(
            name: "storefront-strong-dependency",
            description: "Kill product in beijing; beijing users fail until they are cut over to hangzhou.",
            probe: probe, users: users, steadyState: SteadyStateSpec(duration: .seconds(2)), faults: faults,
            observe: ObserveSpec(duration: .seconds(1), timeout: .seconds(10)), cutover: cutover,
            recovery: RecoverySpec(rto: .seconds(5), window: .kOfN(k: 8, n: 10), timeout: .seconds(90)),
            rollback: RollbackSpec(cutback: cutback, steadyState: .seconds(3)), file: file)

        #expect(drill.probe == expected.probe)
        #expect(drill.users == expected.users)
        #expect(drill.faults == expected.faults)
        #expect(drill.cutover == expected.cutover)
        #expect(drill.recovery == expected.recovery)
        #expect(drill.rollback == expected.rollback)
        #expect(drill == expected)
    }

    @Test func fillsInDefaults() throws {
        let name = "valid/minimal-drill.yaml"
        let drill = try DrillLoader.parseDrill(yaml: Fixture.text(name), file: name)
        let kill = try #require(SignalName("KILL"))
        let expected = Drill(
            name: "minimal",
            probe: ProbeSpec(
                interval: .milliseconds(100), timeout: .seconds(1),
                request: RequestTemplate(
                    method: "GET", url: "{{gateway.url}}/ping",
                    location: SourceLocation(file: name, line: 3, column: 12)),
                success: SuccessCriteria(status: [200]), unitFrom: .header("X-Unit")),
            users: [
                TestUser(
                    id: 50, name: "user-50", impact: .none, location: SourceLocation(file: name, line: 5, column: 5))
            ],
            steadyState: SteadyStateSpec(duration: .seconds(1)),
            faults: [
                FaultSpec(
                    name: "down", unit: "hangzhou", service: "product",
                    action: .killProcess(signal: kill, restart: true),
                    location: SourceLocation(file: name, line: 7, column: 5))
            ],
            observe: ObserveSpec(duration: .seconds(1), timeout: .seconds(10)),
            rollback: RollbackSpec(cutback: nil, steadyState: .seconds(1)), file: name)
        #expect(drill == expected)
    }

    @Test func defaultsOfOptionalSections() throws {
        let drill = try DrillLoader.parseDrill(
            yaml: """
                drill: defaults
                probe: { request: { url: "{{gateway.url}}/" } }
                users: [{ id: 1 }]
                faults: [{ name: down, kind: kill-process, unit: beijing, service: product, signal: 15 }]
                cutover:
                  request: { method: POST, url: "{{control_plane.url}}/v1/cutovers" }
                  poll: { request: { url: "{{control_plane.url}}/v1/cutovers/{{cutover.id}}" } }
                recovery: { rto: 2s }
                """, file: "defaults.yaml")
        let cutover = try #require(drill.cutover)
        #expect(cutover.accept == [200, 201, 202])
        #expect(cutover.idField == nil)
        let poll = try #require(cutover.poll)
        #expect(poll.field == "state")
        #expect(poll.done == ["done"])
        #expect(poll.failed == ["failed"])
        #expect(poll.interval == .milliseconds(100))
        #expect(poll.timeout == .seconds(30))
        #expect(drill.recovery?.window == .consecutive(5))
        #expect(drill.recovery?.timeout == .seconds(10))
        #expect(drill.faults.first?.action == .killProcess(signal: try #require(SignalName("TERM")), restart: true))
    }

    @Test func loadsFromAPath() throws {
        let path = try Fixture.path(file)
        let drill = try DrillLoader.loadDrill(path: path)
        #expect(drill.file == path)
        #expect(drill.users.first?.location == SourceLocation(file: path, line: 19, column: 5))
    }
}

@Suite struct GuardrailLoaderTests {
    static let base = """
        drill: g
        probe: { request: { url: "{{gateway.url}}" } }
        users: [{ id: 1 }]
        faults: [{ name: f, kind: kill-process, unit: beijing, service: product }]
        """

    @Test func theGuardrailDefaultsToThreeInARowAndReadsBothForms() throws {
        #expect(try DrillLoader.parseDrill(yaml: Self.base, file: "g.yaml").guardrail == .consecutive(3))
        let kOfN = try DrillLoader.parseDrill(yaml: Self.base + "\nguardrail: { k: 2, n: 10 }\n", file: "g.yaml")
        #expect(kOfN.guardrail == .kOfN(k: 2, n: 10))
        let consecutive = try DrillLoader.parseDrill(
            yaml: Self.base + "\nguardrail: { consecutive: 5 }\n", file: "g.yaml")
        #expect(consecutive.guardrail == .consecutive(5))
    }

    @Test func aGuardrailWithBothFormsIsRefusedWithItsLocation() {
        #expect(throws: DiagnosticsError.self) {
            try DrillLoader.parseDrill(
                yaml: Self.base + "\nguardrail: { consecutive: 3, k: 2, n: 4 }\n", file: "g.yaml")
        }
        do {
            _ = try DrillLoader.parseDrill(
                yaml: Self.base + "\nguardrail: { consecutive: 3, k: 2, n: 4 }\n", file: "g.yaml")
        } catch {
            #expect(
                error.description
                    == "g.yaml:5:12: error: 'guardrail' takes either 'consecutive' or 'k' and 'n', not both")
        }
    }
}
