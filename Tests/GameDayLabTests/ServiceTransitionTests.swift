import Foundation
import GameDayTestSupport
import Testing

@testable import GameDayLab

@Suite("services.jsonl lines and supervisor command lines")
struct ServiceTransitionTests {
    let at = LabTimestamp(unixMilliseconds: 1_763_703_000_123.457)

    @Test func aLineHasTheDocumentedKeysInOrder() {
        let killed = ServiceTransition(service: "beijing-product", pid: 1234, kind: .exited, signal: "KILL", at: at)
        #expect(
            killed.jsonLine
                == #"{"service":"beijing-product","pid":1234,"event":"exited","signal":"KILL","unix_ms":1763703000123.457,"at":"2025-11-21T05:30:00.123Z"}"#
                + "\n")
        let exited = ServiceTransition(service: "gateway", pid: 7, kind: .exited, status: 0, at: at)
        #expect(exited.jsonLine.contains(#""event":"exited","status":0,"unix_ms""#))
        let started = ServiceTransition(service: "gateway", pid: 7, kind: .started, at: at)
        #expect(!started.jsonLine.contains("signal") && !started.jsonLine.contains("status"))
    }

    @Test func linesReadBackAsServiceEvents() throws {
        let line = ServiceTransition(service: "hangzhou-cart", pid: 42, kind: .stopped, signal: "STOP", at: at).jsonLine
        let event = try JSONDecoder().decode(ServiceEvent.self, from: Data(line.utf8))
        #expect(event.service == "hangzhou-cart")
        #expect(event.pid == 42)
        #expect(event.event == .stopped)
        #expect(event.signal == "STOP")
        #expect(event.status == nil)
        #expect(event.unixMilliseconds == 1_763_703_000_123.457)
        #expect(event.at == "2025-11-21T05:30:00.123Z")
    }

    @Test func waitidResultsBecomeTransitions() {
        func transition(_ code: Int32, _ status: Int32) -> ServiceTransition? {
            ServiceTransition(service: "s", pid: 1, code: code, status: status, at: at)
        }
        let killed = transition(Int32(CLD_KILLED), SIGKILL)
        #expect(killed?.kind == .exited && killed?.signal == "KILL" && killed?.status == nil)
        #expect(killed?.exitCode == 137)
        let dumped = transition(Int32(CLD_DUMPED), SIGSEGV)
        #expect(dumped?.kind == .exited && dumped?.signal == "SEGV")
        let exited = transition(Int32(CLD_EXITED), 3)
        #expect(exited?.kind == .exited && exited?.signal == nil && exited?.status == 3)
        #expect(exited?.exitCode == 3)
        let stopped = transition(Int32(CLD_STOPPED), SIGSTOP)
        #expect(stopped?.kind == .stopped && stopped?.signal == "STOP")
        let continued = transition(Int32(CLD_CONTINUED), SIGCONT)
        #expect(continued?.kind == .continued && continued?.signal == "CONT")
        #expect(transition(Int32(CLD_TRAPPED), SIGTRAP) == nil, "ptrace stops are not the lab's")
        #expect(ServiceTransition.signalName(40) == "40", "a real-time signal has no name here")
    }

    @Test func aSupervisorsCommandLineDoesNotPassForItsServers() {
        let serve = LabServeOptions(role: .product, unit: "beijing", port: 9311, runDirectory: "/run/lab")
        let argv =
            ["/x/gameday"]
            + LabSupervisor.supervisorArguments(
                service: "beijing-product", runDirectory: "/run/lab", serveArguments: serve.arguments)
        #expect(
            argv == [
                "/x/gameday", "lab", "supervise", "--service", "beijing-product", "--run-dir", "/run/lab", "--",
                "--role", "product", "--unit", "beijing", "--port", "9311", "--run-dir", "/run/lab",
            ])
        #expect(LabProcessTable.isLabSupervisor(argv: argv, runDirectory: "/run/lab"))
        #expect(!LabProcessTable.isLabSupervisor(argv: argv, runDirectory: "/run/other"))
        #expect(!LabProcessTable.isLabServe(argv: argv, runDirectory: "/run/lab"))
        #expect(!argv.joined(separator: " ").contains("lab serve"), "a target's cmdline: locator must not match it")
        let server = ["/x/gameday"] + serve.arguments
        #expect(!LabProcessTable.isLabSupervisor(argv: server, runDirectory: "/run/lab"))
    }
}
