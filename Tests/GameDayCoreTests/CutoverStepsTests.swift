import GameDayCore
import GameDayTestSupport
import Synchronization
import Testing

/// Stepwise and command cut-overs, with fakes: the order of the calls, the reverse-order undo, what
/// the record says, and the split of the switch time.
@Suite struct CutoverStepsTests {
    /// Answers every request 202 `{"id": "<path>"}`, or 500 for a path in `failing`; records them in order.
    final class RecordingControlPlane: HTTPTransport {
        let calls = Mutex<[String]>([])
        let failing: Set<String>

        init(failing: Set<String> = []) { self.failing = failing }

        func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
            let path = String(request.url.dropFirst("http://cp.test".count))
            calls.withLock { $0.append("\(request.method) \(path)") }
            if failing.contains(path) { return HTTPResponse(status: 500, body: Array("broken".utf8)) }
            return HTTPResponse(status: 202, body: Array("{\"id\":\"\(path)\",\"state\":\"done\"}".utf8))
        }
    }

    /// Exits as `exits` says for its argv[1] (0 otherwise), printing `printed`, or outlives its
    /// timeout (killed) for an argv[1] in `timingOut`; records every argv.
    final class FakeCommands: CommandExecutor {
        let name = "fake"
        let calls = Mutex<[[String]]>([])
        let exits: [String: Int32]
        let printed: String
        let timingOut: Set<String>

        init(exits: [String: Int32] = [:], printed: String = "", timingOut: Set<String> = []) {
            self.exits = exits
            self.printed = printed
            self.timingOut = timingOut
        }

        func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput {
            calls.withLock { $0.append(argv) }
            if timingOut.contains(argv.dropFirst().first ?? "") {
                return CommandOutput(exitCode: 137, stdout: "switching", stderr: "", timedOut: true)
            }
            return CommandOutput(
                exitCode: exits[argv.dropFirst().first ?? ""] ?? 0, stdout: printed, stderr: "token s3cret refused")
        }
    }

    static func post(_ path: String) -> ControlPlaneCall {
        .request(RequestTemplate(method: "POST", url: Template(stringLiteral: "http://cp.test\(path)")))
    }

    static func step(_ name: String, undo: Bool = true) -> CutoverStep {
        CutoverStep(
            name: name, action: CutoverAction(call: post("/\(name)")),
            undo: undo ? CutoverAction(call: post("/undo-\(name)")) : nil)
    }

    static let context = TemplateContext(
        values: [:], secrets: ["control_plane.token": "s3cret"], environment: { _ in nil })

    static func client(_ transport: any HTTPTransport, _ commands: FakeCommands = FakeCommands()) -> CutoverClient {
        CutoverClient(
            transport: transport, commands: commands, clock: InstantClock(),
            redact: { $0.replacing("s3cret", with: "***") })
    }

    @Test func stepsRunInOrderAndAllDoneIsACutOverDone() async {
        let plane = RecordingControlPlane()
        let spec = CutoverSpec(steps: [Self.step("block"), Self.step("switch"), Self.step("unblock")])
        let record = await Self.client(plane).execute(spec, context: Self.context)
        #expect(record.succeeded)
        #expect(record.error == nil)
        #expect(record.steps.map(\.outcome) == [.done, .done, .done])
        #expect(plane.calls.withLock { $0 } == ["POST /block", "POST /switch", "POST /unblock"])
        #expect(!record.mayHaveMoved(CutoverSpec(steps: [])) && record.mayHaveMoved(spec))
    }

    @Test func aFailedStepUndoesTheDoneOnesInReverseOrder() async {
        let plane = RecordingControlPlane(failing: ["/verify"])
        let spec = CutoverSpec(steps: [
            Self.step("block"), Self.step("plain", undo: false), Self.step("switch"), Self.step("verify"),
            Self.step("never"),
        ])
        let record = await Self.client(plane).execute(spec, context: Self.context)
        #expect(!record.succeeded)
        #expect(
            plane.calls.withLock { $0 } == [
                "POST /block", "POST /plain", "POST /switch", "POST /verify", "POST /undo-switch", "POST /undo-block",
            ])
        #expect(record.steps.map(\.outcome) == [.undone, .notUndone, .undone, .failed, .notRun])
        #expect(
            record.error
                == "step 'verify' failed: the control plane failed with 500 at http://cp.test/verify: broken; "
                + "undone, last first: 'switch', 'block'; NOT undone: 'plain' (it names no undo)")
        // 'plain' stays done and undone by nothing: something may have moved, so the rollback cuts back.
        #expect(record.mayHaveMoved(spec))
    }

    @Test func everyStepUndoneMeansNothingMoved() async {
        let plane = RecordingControlPlane(failing: ["/switch"])
        let spec = CutoverSpec(steps: [Self.step("block"), Self.step("switch")])
        let record = await Self.client(plane).execute(spec, context: Self.context)
        #expect(record.steps.map(\.outcome) == [.undone, .failed])
        #expect(!record.mayHaveMoved(spec), "the switch was refused (500) and the block undone")
    }

    @Test func aFailedCommandKeepsItsOutputRedacted() async {
        let commands = FakeCommands(exits: ["start": 4])
        let spec = CutoverSpec(
            CutoverAction(call: .command(CommandTemplate(argv: ["vendor", "start", "{{control_plane.token}}"]))))
        let record = await Self.client(RecordingControlPlane(), commands).execute(spec, context: Self.context)
        #expect(!record.succeeded)
        #expect(commands.calls.withLock { $0 } == [["vendor", "start", "s3cret"]])
        #expect(record.command?.argv == ["vendor", "start", "***"])
        #expect(record.command?.exitCode == 4)
        #expect(record.command?.stderr == "token *** refused")
        #expect(record.error == "the cut-over command vendor start *** exited 4: token *** refused")
    }

    @Test func aCommandThatOutlivesItsTimeoutIsKilledAndMayHaveMovedSomeone() async {
        let commands = FakeCommands(timingOut: ["start"])
        let spec = CutoverSpec(
            CutoverAction(call: .command(CommandTemplate(argv: ["vendor", "start"])), timeout: .seconds(3)))
        let record = await Self.client(RecordingControlPlane(), commands).execute(spec, context: Self.context)
        #expect(!record.succeeded)
        #expect(record.command?.timedOut == true)
        #expect(
            record.error
                == "the cut-over command vendor start did not end within 3s; it and everything it started were killed")
        // Killed part-way, it may have moved someone: the rollback cuts back.
        #expect(!record.finished)
        #expect(record.mayHaveMoved(spec))
    }

    @Test func aPollCommandWithoutFieldIsJudgedByItsExitStatus() async {
        let commands = FakeCommands(exits: ["status": 75])
        let poll = PollSpec(
            call: .command(CommandTemplate(argv: ["vendor", "status"])), field: nil, interval: .milliseconds(10),
            timeout: .milliseconds(50))
        let spec = CutoverSpec(
            CutoverAction(call: .command(CommandTemplate(argv: ["vendor", "start"])), poll: poll))
        let record = await Self.client(RecordingControlPlane(), commands).execute(spec, context: Self.context)
        #expect(record.states.map(\.state) == ["running"])
        #expect(record.error?.hasPrefix("the cut-over was not done after") == true)
        let failing = await Self.client(RecordingControlPlane(), FakeCommands(exits: ["status": 2]))
            .execute(spec, context: Self.context)
        #expect(failing.finished && !failing.succeeded)
        #expect(failing.error == "the poll command reports the cut-over failed (exit 2): token *** refused")
    }

    @Test func theSwitchIsSplitByStepAndClippedToItsEnd() {
        var breakdown = RTOBreakdown.measure(
            fault: .zero, detect: .seconds(1), cutoverStart: .seconds(2), cutoverDone: .seconds(6),
            recovered: .seconds(5))
        breakdown.split(
            among: [
                ("block", .seconds(2), .seconds(3)), ("switch", .seconds(3), .seconds(6)),
                ("late", .seconds(7), .seconds(8)),
            ], cutoverStart: .seconds(2))
        #expect(breakdown.switchOver == .seconds(3))
        #expect(breakdown.switchSteps.map(\.name) == ["block", "switch"])
        #expect(breakdown.switchSteps.map(\.time) == [.seconds(1), .seconds(2)])
    }

    // MARK: - Reading

    static func drill(cutover: String) -> String {
        """
        drill: d
        probe: { request: { url: "{{gateway.url}}/x?userId={{user.id}}" } }
        users: [{ id: 6000, impact: fail, recovers_on: hangzhou }]
        faults: [{ name: f, kind: kill-process, unit: beijing, service: product }]
        recovery: { rto: 5s }
        cutover:
        \(cutover)
        """
    }

    static func problems(_ cutover: String) -> [String] {
        do {
            _ = try DrillLoader.parseDrill(yaml: drill(cutover: cutover), file: "drills/d.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func commandsAndStepsAreRead() throws {
        let drill = try DrillLoader.parseDrill(
            yaml: Self.drill(
                cutover: """
                      steps:
                        - name: block
                          command: [./bin/cp, block, "{{cutover.users}}"]
                          undo: { command: [cp-cli, unblock] }
                          timeout: 3s
                        - name: switch
                          request: { method: POST, url: "{{control_plane.url}}/switch" }
                          poll: { command: [cp-cli, status, "{{cutover.id}}"], running: [75, 76] }
                    """), file: "/work/drills/d.yaml")
        let spec = try #require(drill.cutover)
        #expect(spec.stepwise)
        #expect(spec.steps.map(\.name) == ["block", "switch"])
        guard case .command(let block) = spec.steps[0].action.call else { Issue.record("not a command"); return }
        #expect(block.argv.map(\.source) == ["/work/drills/bin/cp", "block", "{{cutover.users}}"])
        #expect(spec.steps[0].action.timeout == .seconds(3))
        guard case .command(let undo)? = spec.steps[0].undo?.call else { Issue.record("no undo"); return }
        #expect(undo.argv.map(\.source) == ["cp-cli", "unblock"])
        let poll = try #require(spec.steps[1].action.poll)
        #expect(poll.field == nil)
        #expect(poll.running == [75, 76])
    }

    @Test func mistakesAreReportedWithTheirPlace() {
        #expect(
            Self.problems(
                """
                  request: { url: "{{control_plane.url}}/a" }
                  command: [cli]
                """) == ["drills/d.yaml:8:12: error: 'cutover' has both 'request' and 'command'; give one of them"])
        #expect(
            Self.problems("  steps: []")
                == ["drills/d.yaml:7:10: error: 'cutover.steps' must not be empty"])
        #expect(
            Self.problems(
                """
                  steps:
                    - name: a
                      command: "cli --all"
                      undoo: { command: [x] }
                """) == [
                    "drills/d.yaml:9:16: error: expected a list of arguments for 'cutover.steps[0].command' (argv, never a shell string), found the string 'cli --all'",
                    "drills/d.yaml:10:7: error: unknown key 'undoo' in 'cutover.steps[0]' (did you mean 'undo'?)",
                ])
        #expect(
            Self.problems(
                """
                  command: ["${TOOL}", go]
                  poll: { command: [cli, "{{user.id}}"], done: [ok] }
                """) == [
                    "drills/d.yaml:7:13: error: the program of 'cutover.command' must be written out, not '${TOOL}': a value or secret there would choose what runs",
                    "drills/d.yaml:8:42: error: 'cutover.poll.done' needs 'field': without it a poll command is judged by its exit status (0 done, 'running' still running, any other failed)",
                ])
    }
}
