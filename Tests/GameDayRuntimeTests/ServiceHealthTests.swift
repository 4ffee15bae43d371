import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
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

    /// A restart recipe whose service keeps answering 503 fails the fault's revert, and the rollback
    /// withholds the cut-back: 6000 stays on hangzhou, which serves it, until `recover` can finish.
    @Test func aRevertWhoseServiceStaysUnhealthyFailsAndWithholdsTheCutBack() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.server(failures: .max), serve: "s.serve_forever()")
        let storefront = FakeStorefront()
        let environment = RunEnvironment(
            transport: storefront, faults: UnhealthyRestartDriver(storefront: storefront, port: port),
            clock: ContinuousRunClock(), wallClock: { 1_800_000_000_000 + $0.milliseconds },
            environment: { $0 == "FAKE_TOKEN" ? "s3cret" : nil }, files: MemoryFileSystem(), reporter: EventLog(),
            runId: "health",
            ledger: FileLedger(
                store: LedgerStore(stateDirectory: scratch.path("state")), runId: "health", target: "fake",
                watchdog: nil))
        let result = await DrillRunner(drill: FakeDrill.drill(), target: FakeDrill.target, environment: environment)
            .run()
        #expect(result.outcome == .fail, "\(result.reason ?? "")")
        #expect(result.exitCode == 1)
        let fault = try #require(result.faults.first)
        #expect(fault.state == .revertFailed)
        #expect(
            fault.revert?.contains(
                "but it did not answer its health check http://127.0.0.1:\(port)/health with 2xx within 300ms (last: status 503)"
            ) == true, "\(fault.revert ?? "")")
        let withheld = try #require(result.cutback?.withheld, "the cut-back was not withheld")
        #expect(withheld.hasPrefix("beijing is not healthy again"), "\(withheld)")
        #expect(storefront.state.withLock { $0.overrides[6000] } == "hangzhou")
        #expect(!storefront.state.withLock { $0.requests }.contains { $0.hasSuffix("/v1/cutback") })
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

/// Breaks the fault's unit in the storefront; its revert is a restart recipe for the service
/// listening on `port`, with that service's health check.
final class UnhealthyRestartDriver: FaultDriver {
    let storefront: FakeStorefront
    let port: Int

    init(storefront: FakeStorefront, port: Int) {
        self.storefront = storefront
        self.port = port
    }

    func plan(_ fault: FaultSpec, in target: Target) -> FaultPlan {
        FakeFaultDriver(storefront: storefront).plan(fault, in: target)
    }

    func check(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> String { "found fake" }

    func prepare(_ fault: FaultSpec, in target: Target) async throws(FaultError) -> any PreparedFault {
        let plan = plan(fault, in: target)
        let health = HealthWait(url: "http://127.0.0.1:\(port)/health", timeout: .milliseconds(300))
        let recipe = RevertRecipe(
            executor: "local", steps: [.restartUnlessRunning(argv: ["true"], locator: .port(port), health: health)])
        return ReadyFault(spec: fault, plan: plan, found: "found fake", recipe: recipe) {
            [storefront] moment async throws(FaultError) in
            await moment.effect { _ = storefront.state.withLock { $0.brokenUnits.insert(fault.unit) } }
            return AppliedFault(
                spec: fault, plan: plan, pids: [42], commands: [["break", fault.unit]], effect: "broken")
        }
    }
}
