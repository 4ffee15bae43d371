import GameDayCore
import Testing

/// Cross-checks of a drill against a target, each rule on its own.
@Suite struct DrillValidatorTests {
    let target: Target

    init() throws {
        target = try DrillLoader.parseTarget(yaml: Fixture.text("valid/target.yaml"), file: "target.yaml")
    }

    /// A drill that fits the lab target, with `changes` spliced in (YAML text, one line per key).
    func drill(users: String = "[{ id: 6000, home: beijing }]", faults: String? = nil, extra: String = "") throws
        -> Drill
    {
        let faults = faults ?? "[{ name: down, kind: kill-process, unit: beijing, service: product }]"
        return try DrillLoader.parseDrill(
            yaml: """
                drill: check
                probe:
                  request: { url: "{{gateway.url}}/s?u={{user.id}}&n={{user.name}}" }
                users: \(users)
                faults: \(faults)
                \(extra)
                """, file: "drill.yaml")
    }

    func check(_ drill: Drill) -> [String] { DrillValidator.check(drill, against: target).map(\.description) }

    @Test func aFittingDrillHasNoProblems() throws {
        let full = try DrillLoader.parseDrill(yaml: Fixture.text("valid/drill.yaml"), file: "drill.yaml")
        #expect(check(full) == [])
        #expect(check(try drill()) == [])
    }

    @Test func faultUnitMustExist() throws {
        let drill = try drill(faults: "[{ name: down, kind: kill-process, unit: bejing, service: product }]")
        #expect(
            check(drill) == [
                "drill.yaml:5:10: error: fault 'down' hits unit 'bejing', which target 'lab' does not define (did you mean 'beijing'?)"
            ])
        let far = try self.drill(faults: "[{ name: down, kind: kill-process, unit: mars, service: product }]")
        #expect(
            check(far) == [
                "drill.yaml:5:10: error: fault 'down' hits unit 'mars', which target 'lab' does not define; its units are: hangzhou, beijing"
            ])
    }

    @Test func serviceMustExistInTheUnit() throws {
        let drill = try drill(faults: "[{ name: down, kind: kill-process, unit: hangzhou, service: cart }]")
        #expect(
            check(drill) == [
                "drill.yaml:5:10: error: unit 'hangzhou' of target 'lab' has no service 'cart'; its services are: product"
            ])
    }

    @Test func killProcessNeedsAProcessAndRestartNeedsACommand() throws {
        var target = self.target
        target.units[1].services[0].process = nil
        let drill = try drill()
        #expect(
            DrillValidator.check(drill, against: target).map(\.message) == [
                "fault 'down' kills service 'product' of 'beijing', but target 'lab' gives no 'process:' to find it"
            ])
        let cart = try self.drill(faults: "[{ name: down, kind: kill-process, unit: beijing, service: cart }]")
        #expect(
            check(cart) == [
                "drill.yaml:5:10: error: fault 'down' kills service 'cart' of 'beijing' and restarts it afterwards, but target 'lab' gives no 'restart:' command; add one or set 'restart: false'"
            ])
        let noRestart = try self.drill(
            faults: "[{ name: down, kind: kill-process, unit: beijing, service: cart, restart: false }]")
        #expect(check(noRestart) == [])
    }

    @Test func homeMustMatchTheRoutingRule() throws {
        let drill = try drill(
            users: "[{ id: 6000, home: hangzhou }, { id: 50, home: hangzhou }, { id: 6001, home: hangzhou }]")
        #expect(
            check(drill) == [
                "drill.yaml:4:9: error: user 6000 has home 'hangzhou' but the routing rule sends it to 'beijing'"
            ])
    }

    @Test func recoversOnMustNameAUnit() throws {
        let drill = try drill(
            users: "[{ id: 6000, recovers_on: hangzou }]",
            extra: """
                cutover: { request: { method: POST, url: "{{control_plane.url}}/v1/cutovers" } }
                recovery: { rto: 5s }
                """)
        #expect(
            check(drill) == [
                "drill.yaml:4:9: error: user 6000 recovers on 'hangzou', which target 'lab' does not define (did you mean 'hangzhou'?)"
            ])
    }

    @Test func templateValuesMustBeKnownWhereTheyAreUsed() throws {
        let drill = try drill(
            extra: """
                cutover:
                  request: { method: POST, url: "{{control_plane.url}}/{{user.id}}", body: { unit: "{{fault.unt}}" } }
                  poll: { request: { url: "{{control_plane.url}}/{{cutover.id}}/{{run.id}}" } }
                rollback:
                  cutback: { request: { url: "{{cutover.id}}", headers: { X-Secret: "{{secret}}" } } }
                """)
        #expect(
            check(drill) == [
                "drill.yaml:7:12: error: '{{user.id}}' is only available in 'probe.request', not in a cut-over request",
                "drill.yaml:7:12: error: '{{fault.unt}}' names no value (did you mean 'fault.unit'?)",
                "drill.yaml:10:23: error: '{{cutover.id}}' is only available in a 'poll.request', not in a cut-over request",
                "drill.yaml:10:23: error: '{{secret}}' names no value; known values are: gateway.url, control_plane.url, control_plane.token, drill.name, run.id, fault.unit",
            ])
    }

    @Test func everyKnownValueIsAcceptedInItsScope() {
        #expect(TemplateVariables.known(in: .probe).contains(TemplateVariables.userID))
        #expect(TemplateVariables.known(in: .poll).contains(TemplateVariables.cutoverID))
        #expect(!TemplateVariables.known(in: .cutover).contains(TemplateVariables.userName))
        #expect(Set(TemplateVariables.everywhere).isSubset(of: TemplateVariables.known(in: .cutover)))
    }

    @Test func problemsAreSortedByPosition() throws {
        let drill = try drill(
            users: "[{ id: 6000, home: hangzhou }]",
            faults: "[{ name: down, kind: kill-process, unit: mars, service: product }]")
        let lines = DrillValidator.check(drill, against: target).map(\.location.line)
        #expect(lines == [4, 5])
    }
}
