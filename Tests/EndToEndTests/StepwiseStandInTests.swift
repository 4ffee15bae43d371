import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The second source article's stepwise cut-over (write block pushed → enforcement confirmed → the
/// sync tool told → sync complete → traffic rules switched), each step a separate HTTP call to a
/// stand-in control plane that logs the calls in the order they arrive; the switch fails, and the
/// steps done are undone last first.
@Suite(.serialized) struct StepwiseStandInTests {
    /// A control plane with one endpoint per step, on a free loopback port it prints first. Every
    /// call is logged (`GET /log` answers the log); the sync task answers `running` once, then `done`;
    /// `/v1/switch` fails with a 500.
    static let standIn = #"""
        import http.server, json, sys
        log = []
        polls = {}
        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def do_GET(self):
                if self.path == "/log":
                    return self.answer(200, log)
                log.append("GET " + self.path)
                if self.path.startswith("/v1/sync/"):
                    polls[self.path] = polls.get(self.path, 0) + 1
                    return self.answer(200, {"state": "running" if polls[self.path] == 1 else "done"})
                self.answer(200, {"state": "enforced"})
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                log.append("POST " + self.path)
                if self.path == "/v1/switch":
                    return self.answer(500, {"error": "the rule push was refused"})
                if self.path == "/v1/sync":
                    return self.answer(202, {"id": "s-1"})
                self.answer(200, {"ok": True})
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    @Test func aFailedSwitchUndoesTheSyncThenTheWriteBlockAtTheStandIn() async throws {
        try await TestLab.withLab { lab in
            let output = try TestLab.makeTemporaryDirectory(prefix: "gameday-stand-in")
            defer { try? FileManager.default.removeItem(atPath: output) }
            try Self.standIn.write(toFile: "\(output)/stand_in.py", atomically: true, encoding: .utf8)
            // Started detached (its shell exits at once), so no process watcher of this test process
            // competes with ChildProcess for the exit of its children; stopped by its pid at the end.
            let started = try await ChildProcess.run([
                "/bin/sh", "-c", "python3 \(output)/stand_in.py > \(output)/port 2>/dev/null & echo $!",
            ])
            let pid = try #require(pid_t(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
            defer {
                // SIGKILL: a SIGTERM did not stop a stand-in started from the test process when tried
                // (signals a process blocks stay blocked in what it starts).
                kill(pid, SIGKILL)
                for _ in 0..<500 where kill(pid, 0) == 0 { usleep(10_000) }
            }
            var port: Int?
            for _ in 0..<500 where port == nil {
                port = (try? String(contentsOfFile: "\(output)/port", encoding: .utf8))
                    .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                if port == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            let listening = try #require(port, "the stand-in never said its port")
            let url = "http://127.0.0.1:\(listening)"

            let drill = try DrillRun.variant(
                of: "storefront-strong-dependency", in: output,
                replacing: [(CutoverCommandDrillTests.requestCutover, Self.steps(url))])
            let run = try await DrillRun.run(drill, lab: lab, output: output)
            let result = try #require(run.result, "no result.json: \(run.output.transcript)")
            #expect(result.outcome == .fail, "\(run.output.transcript)")
            let steps = try #require(result.cutover?.steps)
            #expect(
                steps.map(\.name) == ["push-write-block", "confirm-block", "start-sync", "switch-rules", "announce"])
            #expect(steps.map(\.outcome) == [.undone, .notUndone, .undone, .failed, .notRun])
            // Each step that ran is timed on its own (the RTO's switch parts need a recovery, and there is
            // none after a failed cut-over).
            #expect(steps.prefix(3).allSatisfy { $0.call.startedMs != nil && $0.call.doneMs != nil }, "\(steps)")
            #expect(steps[3].call.startedMs != nil && steps[3].call.status == 500)
            #expect(steps.last?.call.startedMs == nil, "a step after the failed one never starts")

            // The stand-in saw the steps in order, then the undos last first.
            let log = try await CurlHTTPClient().send(HTTPRequest(method: "GET", url: "\(url)/log"))
            let calls = try #require(try JSONSerialization.jsonObject(with: Data(log.body)) as? [String])
            #expect(
                calls == [
                    "POST /v1/write-block", "GET /v1/write-block/status", "POST /v1/sync", "GET /v1/sync/s-1",
                    "GET /v1/sync/s-1", "POST /v1/switch", "POST /v1/sync/s-1/cancel", "POST /v1/write-block/lift",
                ], "\(calls)")
        }
    }

    static func steps(_ url: String) -> String {
        """
        cutover:
          steps:
            - name: push-write-block
              request: { method: POST, url: "\(url)/v1/write-block", body: { from: beijing } }
              undo: { request: { method: POST, url: "\(url)/v1/write-block/lift" } }
            - name: confirm-block
              request: { method: GET, url: "\(url)/v1/write-block/status" }
            - name: start-sync
              request: { method: POST, url: "\(url)/v1/sync", body: { from: beijing, to: hangzhou } }
              accept: [202]
              id_field: id
              poll:
                request: { url: "\(url)/v1/sync/{{cutover.id}}" }
                field: state
                done: [done]
                interval: 50ms
                timeout: 10s
              undo: { request: { method: POST, url: "\(url)/v1/sync/s-1/cancel" } }
            - name: switch-rules
              request: { method: POST, url: "\(url)/v1/switch", body: { users: [6000], to: hangzhou } }
            - name: announce
              request: { method: POST, url: "\(url)/v1/announce" }

        """
    }
}
