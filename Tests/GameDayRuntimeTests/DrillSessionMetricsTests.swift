import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// `--metrics-file` and `--pushgateway` around a session, in `DrillSessionTests`' serialized suite
/// (every session drills the same fake target, whose lock is machine-wide).
extension DrillSessionTests {
    /// The session of `DrillSessionTests`, writing metrics to `metricsFile` and pushing to `pushgateway`
    /// for real (the rest of its requests go to the fake storefront).
    static func metricsSession(
        _ scratch: Scratch, storefront: FakeStorefront, driver: FakeFaultDriver, pushgateway: String? = nil
    ) throws -> DrillSession {
        let plain = try session(scratch, storefront: storefront, driver: driver)
        var settings = plain.settings
        settings.metricsFile = scratch.path("textfile/gameday.prom")
        settings.pushgateway = pushgateway
        var parts = plain.parts
        parts.transport = PushRoute(pushgateway: pushgateway ?? "-", storefront: storefront)
        return DrillSession(drill: plain.drill, target: plain.target, settings: settings, parts: parts)
    }

    @Test func aRunsMetricsFileHoldsItsFiguresAndNoTemporaryFileIsLeft() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let storefront = FakeStorefront()
        let session = try Self.metricsSession(
            scratch, storefront: storefront, driver: FakeFaultDriver(storefront: storefront))
        let (ending, _) = await Self.run(session)
        guard case .ran(let result, _, _) = ending else {
            Issue.record("the run did not start: \(ending)")
            return
        }
        let text = try String(contentsOfFile: scratch.path("textfile/gameday.prom"), encoding: .utf8)
        #expect(text == PrometheusExposition.render(RunMetrics(result)))
        #expect(text.contains(#"outcome="\#(result.outcome.rawValue)"} 1.0"#))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("textfile")) == ["gameday.prom"])
    }

    @Test func anInterruptedRunStillWritesItsMetrics() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let storefront = FakeStorefront()
        storefront.state.withLock { $0.pollState = "sync_wait" }  // the cut-over's task runs until cancelled
        let driver = FakeFaultDriver(storefront: storefront)
        let session = try Self.metricsSession(scratch, storefront: storefront, driver: driver)
        let task = Task { await Self.run(session) }
        let deadline = ContinuousClock.now + .seconds(20)
        while !driver.calls.contains("apply product-down"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        let (ending, _) = await task.value
        #expect(ending.exitCode == 4)
        let text = try String(contentsOfFile: scratch.path("textfile/gameday.prom"), encoding: .utf8)
        #expect(text.contains(#"outcome="aborted"} 1.0"#))
        #expect(!text.contains("gameday_rto_seconds"))
    }

    @Test func aPushToAClosedPortIsAWarningAndTheArchiveAndOutcomeStand() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let storefront = FakeStorefront()
        let closed = "http://127.0.0.1:\(Scratch.freePort())"
        let session = try Self.metricsSession(
            scratch, storefront: storefront, driver: FakeFaultDriver(storefront: storefront), pushgateway: closed)
        let said = SaidLines()
        let ending = await session.run(
            runId: WallClock.newRunID(), clock: ContinuousRunClock(), interruption: RunInterruption(),
            reporter: EventLog(), say: { said.add($0) })
        guard case .ran(let result, let archive, _) = ending else {
            Issue.record("the run did not start: \(ending)")
            return
        }
        #expect(result.outcome == .pass, "\(result.reason ?? "")")
        #expect(ending.exitCode == 0)
        let directory = try #require(archive)
        #expect(FileManager.default.fileExists(atPath: "\(directory)/result.json"))
        #expect(FileManager.default.fileExists(atPath: scratch.path("textfile/gameday.prom")))
        let warning = said.all.first {
            $0.hasPrefix("warning: could not push the metrics to \(closed)/metrics/job/gameday/")
        }
        #expect(warning?.hasSuffix("the archive is kept and the exit code is the drill's own") == true, "\(said.all)")
    }
}

/// The fake storefront for the drill, libcurl for the Pushgateway.
private struct PushRoute: HTTPTransport {
    let pushgateway: String
    let storefront: FakeStorefront

    func send(_ request: HTTPRequest) async throws(HTTPTransportError) -> HTTPResponse {
        if request.url.hasPrefix(pushgateway) { return try await CurlHTTPClient().send(request) }
        return try await storefront.send(request)
    }
}
