import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// A restarted service counts as back only once its health check answers 2xx.
@Suite struct ServiceHealthTests {
    /// Answers 503 to the first `failures` requests, then 200.
    static func server(failures: Int) -> String {
        """
        class H(http.server.BaseHTTPRequestHandler):
            seen = 0
            def do_GET(self):
                H.seen += 1
                self.send_response(200 if H.seen > \(failures) else 503); self.end_headers()
            def log_message(self, *a): pass
        s = http.server.HTTPServer(('127.0.0.1', 0), H)
        """
    }

    @Test func waitsUntilTheCheckAnswers2xx() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.server(failures: 3), serve: "s.serve_forever()")
        let said = try await ServiceHealth.wait(
            HealthWait(url: "http://127.0.0.1:\(port)/health", timeout: .seconds(30)), poll: .milliseconds(10))
        #expect(said == "healthy (http://127.0.0.1:\(port)/health: 200)")
    }

    @Test func aCheckThatNeverAnswers2xxFailsWithWhatItLastSaid() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.server(failures: .max), serve: "s.serve_forever()")
        let error = await #expect(throws: FaultError.self) {
            try await ServiceHealth.wait(
                HealthWait(url: "http://127.0.0.1:\(port)/health", timeout: .milliseconds(300)), poll: .milliseconds(10)
            )
        }
        #expect(
            error?.message
                == "it did not answer its health check http://127.0.0.1:\(port)/health with 2xx within 300ms (last: status 503)"
        )
    }

    /// Ledger entries written before the step named a health check still read.
    @Test func aRestartStepWithoutAHealthCheckStillReads() throws {
        let step = RevertRecipe.Step.restartUnlessRunning(argv: ["true"], locator: .name("p"), health: nil)
        let written = String(decoding: try JSONEncoder().encode(step), as: UTF8.self)
        #expect(!written.contains("health"), "\(written)")
        #expect(try JSONDecoder().decode(RevertRecipe.Step.self, from: Data(written.utf8)) == step)
        let checked = RevertRecipe.Step.restartUnlessRunning(
            argv: ["true"], locator: .name("p"), health: HealthWait(url: "http://h/health", timeout: .seconds(30)))
        #expect(try JSONDecoder().decode(RevertRecipe.Step.self, from: try JSONEncoder().encode(checked)) == checked)
    }
}
