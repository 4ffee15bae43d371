import GameDayCore
import GameDayTestSupport
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

    @Test func everyKindOfFaultFromTheFixturesFitsTheLab() throws {
        for name in ["pause-process", "block-port", "latency", "bandwidth", "proxy"] {
            let file = "valid/\(name)-drill.yaml"
            let drill = try DrillLoader.parseDrill(yaml: Fixture.text(file), file: file)
            #expect(check(drill) == [], "\(file)")
        }
    }

    @Test func pauseProcessNeedsAProcessButNoRestart() throws {
        var target = self.target
        target.units[1].services[0].process = nil
        let drill = try drill(faults: "[{ name: frozen, kind: pause-process, unit: beijing, service: product }]")
        #expect(
            DrillValidator.check(drill, against: target).map(\.message) == [
                "fault 'frozen' pauses service 'product' of 'beijing', but target 'lab' gives no 'process:' to find it"
            ])
        let cart = try self.drill(faults: "[{ name: frozen, kind: pause-process, unit: beijing, service: cart }]")
        #expect(check(cart) == [])
        let missing = try self.drill(faults: "[{ name: frozen, kind: pause-process, unit: beijing, service: kart }]")
        #expect(
            check(missing) == [
                "drill.yaml:5:10: error: unit 'beijing' of target 'lab' has no service 'kart' (did you mean 'cart'?)"
            ])
    }

    @Test func blockPortNeedsTheServicesPortUnlessPortsAreListed() throws {
        let cart = try drill(faults: "[{ name: blocked, kind: block-port, unit: beijing, service: cart }]")
        #expect(
            check(cart) == [
                "drill.yaml:5:10: error: fault 'blocked' blocks the port of service 'cart' of 'beijing', but target 'lab' gives it no 'port:'; add one or list 'ports:'"
            ])
        let listed = try drill(
            faults: "[{ name: blocked, kind: block-port, unit: beijing, service: cart, ports: 9312 }]")
        #expect(check(listed) == [])
        let product = try drill(faults: "[{ name: blocked, kind: block-port, unit: beijing, service: product }]")
        #expect(check(product) == [])
        let portsOnly = try drill(faults: "[{ name: blocked, kind: block-port, unit: beijing, ports: [9000-9100] }]")
        #expect(check(portsOnly) == [])
        let missing = try drill(faults: "[{ name: blocked, kind: block-port, unit: beijing, service: serch }]")
        #expect(
            check(missing) == [
                "drill.yaml:5:10: error: unit 'beijing' of target 'lab' has no service 'serch'; its services are: product, cart, storefront"
            ])
    }

    @Test func proxyFaultsNeedTheUnitsFaultProxy() throws {
        let faults = "[{ name: slow, kind: proxy, unit: UNIT, proxy: product, toxic: latency, latency: 300ms }]"
        let hangzhou = try drill(
            users: "[{ id: 50, home: hangzhou }]", faults: faults.replacing("UNIT", with: "hangzhou"))
        #expect(
            check(hangzhou) == [
                "drill.yaml:5:10: error: fault 'slow' adds a toxic to proxy 'product', but unit 'hangzhou' of target 'lab' has no fault proxy ('proxy: { url: ... }')"
            ])
        let beijing = try drill(faults: faults.replacing("UNIT", with: "beijing"))
        #expect(check(beijing) == [])
    }

    @Test func latencyAndBandwidthNeedOnlyTheUnit() throws {
        let latency = "{ name: slow, kind: latency, unit: hangzhou, interface: gd-hz0, delay: 100ms }"
        let bandwidth = "{ name: thin, kind: bandwidth, unit: hangzhou, interface: gd-hz0, rate: 1mbit }"
        #expect(check(try drill(users: "[{ id: 50 }]", faults: "[\(latency), \(bandwidth)]")) == [])
        let mars = try drill(faults: "[{ name: slow, kind: latency, unit: mars, interface: gd0, loss: 5 }]")
        #expect(
            check(mars) == [
                "drill.yaml:5:10: error: fault 'slow' hits unit 'mars', which target 'lab' does not define; its units are: hangzhou, beijing"
            ])
    }

    @Test func homeMustMatchTheRoutingRule() throws {
        let drill = try drill(
            users: "[{ id: 6000, home: hangzhou }, { id: 50, home: hangzhou }, { id: 6001, home: hangzhou }]")
        #expect(
            check(drill) == [
                "drill.yaml:4:9: error: user 6000 has home 'hangzhou' but the routing rule sends it to 'beijing' "
                    + "(6000 % 10000 = 6000, in 5000~9999 → beijing)"
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

    /// The users and units a cut-over moves, for its body: `{{cutover.users}}` is a JSON array.
    @Test func aCutOverNamesWhatItMovesAndTheValuesRender() throws {
        let moving = "[{ id: 6000, home: beijing, impact: fail, recovers_on: hangzhou }]"
        let drill = try drill(
            users: moving,
            extra: """
                cutover:
                  request:
                    method: POST
                    url: "{{control_plane.url}}/v1/cutovers"
                    body: { from: "{{cutover.from}}", to: "{{cutover.to}}", users: "{{cutover.users}}" }
                recovery: { rto: 5s }
                """)
        #expect(check(drill) == [])
        let context = TemplateContext.run(drill: drill, target: target, runId: "r", token: nil) { _ in nil }
        let rendered = try RenderedRequest(try #require(drill.cutover?.request), context: context, timeout: .seconds(1))
        // A body value that is `{{cutover.users}}` alone is the JSON array itself, not a string of it.
        #expect(rendered.display.body == #"{"from":"beijing","to":"hangzhou","users":[6000]}"#)
        // In a probe it means nothing.
        var probing = drill
        probing.probe.request.url = "{{gateway.url}}/?moves={{cutover.users}}"
        #expect(
            check(probing).contains {
                $0.hasSuffix("'{{cutover.users}}' is only available in a cut-over request, not in 'probe.request'")
            })
    }

    /// The shards a cut-over moves, for its body: `{{cutover.shards}}` is a JSON array of their
    /// names and `{{cutover.moves}}` an object of where each goes.
    @Test func aShardCutOverNamesItsShardsAndTheValuesRender() throws {
        let sharded = try DrillLoader.parseTarget(
            yaml: """
                target: sharded
                gateway: { url: "http://127.0.0.1:9300" }
                control_plane: { url: "http://127.0.0.1:9301" }
                routing:
                  key: memberId
                  model: hash
                  modulo: 4
                  ranges: [{ from: 0, to: 1, shard: s0 }, { from: 2, to: 3, shard: s1 }]
                  shards: { s0: beijing, s1: hangzhou }
                units:
                  beijing: { services: { product: { process: { name: product } } } }
                  hangzhou: { services: { product: { process: { name: product } } } }
                  shenzhen: { services: { product: { process: { name: product } } } }
                """, file: "sharded.yaml")
        // crc32("M100017") % 4 = 1: shard s0, served by beijing.
        let drill = try DrillLoader.parseDrill(
            yaml: """
                drill: shards
                probe: { request: { url: "{{gateway.url}}/?m={{user.id}}" } }
                users: [{ id: M100017, impact: fail, recovers_on: shenzhen }]
                faults: [{ name: down, kind: kill-process, unit: beijing, service: product, restart: false }]
                cutover:
                  moves: { s0: shenzhen }
                  request:
                    method: POST
                    url: "{{control_plane.url}}/v1/shards"
                    body: { shards: "{{cutover.shards}}", moves: "{{cutover.moves}}" }
                recovery: { rto: 5s }
                """, file: "drill.yaml")
        #expect(DrillValidator.check(drill, against: sharded).map(\.description) == [])
        let context = TemplateContext.run(drill: drill, target: sharded, runId: "r", token: nil) { _ in nil }
        let rendered = try RenderedRequest(try #require(drill.cutover?.request), context: context, timeout: .seconds(1))
        #expect(rendered.display.body == #"{"shards":["s0"],"moves":{"s0":"shenzhen"}}"#)
    }

    @Test func cutoverToNeedsOneDestination() throws {
        var drill = try drill(
            users: "[{ id: 6000, home: beijing, impact: fail, recovers_on: hangzhou }]",
            extra: """
                cutover:
                  request: { method: POST, url: "{{control_plane.url}}/v1/cutovers/{{cutover.to}}" }
                recovery: { rto: 5s }
                """)
        #expect(check(drill) == [])
        drill.users.append(TestUser(id: 7000, home: "beijing", impact: .fail, recoversOn: "mars"))
        #expect(
            check(drill).contains {
                $0.hasSuffix(
                    "'{{cutover.to}}' needs every moving user to recover on one unit, but users recover on hangzhou and mars; name the unit in the request instead"
                )
            }, "\(check(drill))")
    }

    @Test func theTokenMustBeGivenByTheTargetWhenARequestUsesIt() throws {
        var target = self.target
        target.controlPlane.token = nil
        let drill = try drill(
            extra: """
                cutover:
                  request: { method: POST, url: "{{control_plane.url}}/v1/cutovers", headers: { Authorization: "Bearer {{control_plane.token}}" } }
                """)
        #expect(
            DrillValidator.check(drill, against: target).map(\.description) == [
                "drill.yaml:7:12: error: '{{control_plane.token}}' is used, but target 'lab' gives no 'control_plane.token' (add 'token: { env: NAME }' or 'token: { file: PATH }' to its control_plane)"
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
                "drill.yaml:10:23: error: '{{secret}}' names no value; known values are: gateway.url, control_plane.url, control_plane.token, drill.name, run.id, fault.unit, cutover.users, cutover.from, cutover.to, cutover.shards, cutover.moves",
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
