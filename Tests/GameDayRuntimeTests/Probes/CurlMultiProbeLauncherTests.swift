import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// The libcurl multi probe engine against real HTTP servers on loopback. No assertion here depends
/// on how fast the machine is: the schedule is checked through each sample's slot
/// (`sentAt − lag`), sequence numbers and overlaps, never against the wall clock. Serialized: one
/// test asserts that no engine thread is left, which an engine of a parallel test would belie.
@Suite(.serialized) struct CurlMultiProbeLauncherTests {
    /// Answers `GET /p?userId=N` after `delay` seconds with `X-Unit` from the routing rule
    /// (`0~4999 → hangzhou`, `5000~9999 → beijing`), on keep-alive connections, many at once.
    static func unitServer(delay: Double = 0) -> String {
        """
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'
            def do_GET(self):
                time.sleep(\(delay))
                user = int(self.path.split('userId=')[1]) % 10000
                body = b'{"ok":true}'
                self.send_response(200)
                self.send_header('X-Unit', 'beijing' if user >= 5000 else 'hangzhou')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *a): pass
        class S(http.server.ThreadingHTTPServer):
            request_queue_size = 256
            daemon_threads = True
        s = S(('127.0.0.1', 0), H)
        """
    }

    /// Accepts connections and never answers.
    static let silentServer = "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(256)"
    static let holdConnections = "held = []\nwhile True: held.append(s.accept())"

    /// A prober of the test server on `port`, named so that the engine takes `client`: the own
    /// client for the number `127.0.0.1`, libcurl for the name `localhost` (the servers listen on
    /// 127.0.0.1 only; curl tries ::1, is refused, and connects there).
    static func prober(
        port: Int, client: CurlMultiProbes.Client = .own,
        url: Template = "http://{{host}}:{{port}}/p?userId={{user.id}}",
        interval: Duration = .milliseconds(20), timeout: Duration = .seconds(2), maxInFlight: Int? = nil
    ) -> Prober {
        Prober(
            spec: ProbeSpec(
                interval: interval, timeout: timeout, request: RequestTemplate(url: url), maxInFlight: maxInFlight),
            transport: CurlHTTPClient(),
            context: TemplateContext(
                values: ["port": "\(port)", "host": client == .own ? "127.0.0.1" : "localhost"],
                environment: { _ in nil }))
    }

    static let users = [TestUser(id: 50), TestUser(id: 6000), TestUser(id: 7001)]

    /// Starts the engine, expecting it to have chosen `client`.
    static func start(
        _ users: [TestUser], with prober: Prober, client: CurlMultiProbes.Client, sink: RecordingSink,
        clock: any RunClock = ContinuousRunClock()
    ) -> any RunningProbes {
        let probes = CurlMultiProbeLauncher().start(users: users, prober: prober, clock: clock, sink: sink)
        #expect((probes as? CurlMultiProbes)?.client == client, "the engine chose another HTTP client")
        return probes
    }

    /// Runs the engine for `duration`, stops it, and returns what it delivered.
    static func probe(
        _ users: [TestUser] = users, with prober: Prober, client: CurlMultiProbes.Client = .own,
        for duration: Duration = .milliseconds(600)
    ) async throws -> RecordingSink {
        let sink = RecordingSink()
        let probes = start(users, with: prober, client: client, sink: sink)
        try await Task.sleep(for: duration)
        await probes.stop()
        return sink
    }

    @Test(arguments: [CurlMultiProbes.Client.own, .libcurl])
    func samplesOfEachUserArriveGapFreeWithStatusUnitAndTimings(client: CurlMultiProbes.Client) async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.unitServer(), serve: "s.serve_forever()")
        let interval = Duration.milliseconds(20)
        let sink = try await Self.probe(
            with: Self.prober(port: port, client: client, interval: interval), client: client)

        for user in Self.users {
            let samples = sink.samples(of: user.id)
            #expect(samples.count >= 3, "user \(user.id) got \(samples.count) samples")
            #expect(samples.map(\.sequence) == Array(0..<samples.count))
            for delivery in samples {
                let sample = delivery.sample
                #expect(sample.ok, "\(sample.failure ?? "")")
                #expect(sample.status == 200)
                #expect(sample.unit == (Int(user.id)! >= 5000 ? "beijing" : "hangzhou"))
                #expect(sample.lag >= .zero)
                #expect(sample.timings.total > .zero)
                #expect(sample.timings.total >= sample.timings.firstByte)
                #expect(sample.timings.firstByte >= sample.timings.connect)
            }
            // Each probe went out for a slot a whole number of intervals after the one before.
            let slots = samples.map { $0.sample.sentAt - $0.sample.lag }
            for (earlier, later) in zip(slots, slots.dropFirst()) {
                let gap = later - earlier
                #expect(gap >= interval && gap == interval * Int((gap / interval).rounded()))
            }
        }
        #expect(sink.skipped.isEmpty)
    }

    /// A schedule that falls due faster than the engine can send (1 µs, below what a drill may ask)
    /// must not keep the engine thread in its sending loop: each pass takes at most one slot per
    /// user, so a stop request is still heard. (Before, the loop never left and `stop()` never returned.)
    @Test func aScheduleFasterThanTheEngineStillStops() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.silentServer, serve: Self.holdConnections)
        let sink = RecordingSink()
        let probes = CurlMultiProbeLauncher().start(
            users: [TestUser(id: 50), TestUser(id: 6000)],
            prober: Self.prober(port: port, interval: .microseconds(1), timeout: .seconds(1), maxInFlight: 1),
            clock: ContinuousRunClock(), sink: sink)
        // Wait until slots are being skipped: the path that spun.
        let deadline = ContinuousClock.now + .seconds(20)
        while sink.skipped.count < 100, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sink.skipped.count >= 100)
        let stopped = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await probes.stop()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(20))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(stopped, "the engine did not stop")
    }

    @Test(arguments: [CurlMultiProbes.Client.own, .libcurl])
    func connectionsStayOpenAcrossProbes(client: CurlMultiProbes.Client) async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        // The server names the client's port in the header the prober reads as the unit.
        let server = Self.unitServer().replacingOccurrences(
            of: "self.send_header('X-Unit',",
            with: "self.send_header('X-Port', str(self.client_address[1]));"
                + " self.send_header('X-Unit',")
        let (_, port) = try await scratch.listen(setup: server, serve: "s.serve_forever()")
        var prober = Self.prober(port: port, client: client)
        prober = Prober(
            spec: {
                var spec = prober.spec; spec.unitFrom = .header("X-Port"); return spec
            }(), transport: prober.transport,
            context: prober.context)
        let sink = try await Self.probe(with: prober, client: client)

        let ports = Set(sink.deliveries.compactMap(\.sample.unit))
        #expect(sink.deliveries.count >= 10)
        // Without keep-alive every probe would open its own connection.
        #expect(
            ports.count * 4 <= sink.deliveries.count, "\(sink.deliveries.count) probes on \(ports.count) connections")
    }

    @Test func aSlowServerDoesNotSlowTheSchedule() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.unitServer(delay: 0.25), serve: "s.serve_forever()")
        let interval = Duration.milliseconds(20)
        let sink = try await Self.probe(
            [TestUser(id: 6000)], with: Self.prober(port: port, interval: interval), for: .seconds(1))

        let samples = sink.samples(of: "6000")
        #expect(samples.map(\.sequence) == Array(0..<samples.count))
        #expect(samples.allSatisfy { $0.sample.ok && $0.sample.latency >= .milliseconds(250) })
        // Closed loop would send one probe per answer (≤ 4 in a second); open loop one per slot.
        let slots = samples.map { $0.sample.sentAt - $0.sample.lag }
        let span = try #require(slots.last) - slots[0]
        #expect(samples.count >= 10)
        #expect(Double(samples.count) >= (span / interval) / 2, "\(samples.count) probes over \(span)")
        // Probes went out while earlier ones were still waiting for their answer.
        let overlapping = zip(samples, samples.dropFirst()).filter { earlier, later in
            later.sample.sentAt < earlier.sample.sentAt + earlier.sample.latency
        }
        #expect(overlapping.count >= samples.count / 2)
    }

    @Test func theInFlightBoundSkipsSlots() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.silentServer, serve: Self.holdConnections)
        let sink = try await Self.probe(
            [TestUser(id: 50)],
            with: Self.prober(port: port, interval: .milliseconds(20), timeout: .seconds(3), maxInFlight: 2),
            for: .milliseconds(400))

        // Two probes went out and hung until their timeout; every later slot found both in flight.
        let samples = sink.samples(of: "50")
        #expect(samples.map(\.sequence) == [0, 1])
        #expect(samples.allSatisfy { $0.sample.failure == "timeout" })
        let skipped = sink.skipped
        #expect(skipped.count >= 3)
        #expect(skipped.allSatisfy { $0.user == "50" })
        let lastSlotSent = try #require(samples.map { $0.sample.sentAt - $0.sample.lag }.max())
        #expect(skipped.allSatisfy { $0.scheduled > lastSlotSent })
    }

    @Test(arguments: [CurlMultiProbes.Client.own, .libcurl])
    func aRefusedConnectionAndATimeoutAreReportedAsSuch(client: CurlMultiProbes.Client) async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let refused = try await Self.probe(
            [TestUser(id: 50)], with: Self.prober(port: Scratch.freePort(), client: client), client: client,
            for: .milliseconds(100))
        #expect(!refused.deliveries.isEmpty)
        #expect(refused.deliveries.allSatisfy { $0.sample.failure == "connection refused" && $0.sample.status == nil })

        let (_, port) = try await scratch.listen(setup: Self.silentServer, serve: Self.holdConnections)
        let silent = try await Self.probe(
            [TestUser(id: 50)], with: Self.prober(port: port, client: client, timeout: .milliseconds(200)),
            client: client, for: .milliseconds(100))
        #expect(!silent.deliveries.isEmpty)
        #expect(silent.deliveries.allSatisfy { $0.sample.failure == "timeout" && !$0.sample.ok })
        // curl expires a transfer on its millisecond timer: up to a millisecond before our clock says 200 ms.
        #expect(silent.deliveries.allSatisfy { $0.sample.latency >= .milliseconds(195) })
    }

    @Test(arguments: [CurlMultiProbes.Client.own, .libcurl])
    func stopDeliversEveryProbeInFlightOnceAndEndsTheThread(client: CurlMultiProbes.Client) async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(setup: Self.unitServer(delay: 0.3), serve: "s.serve_forever()")
        let sink = RecordingSink()
        let probes = Self.start(
            Self.users, with: Self.prober(port: port, client: client, interval: .milliseconds(50)), client: client,
            sink: sink)
        try await Task.sleep(for: .milliseconds(200))
        #expect(threadNames().contains("gameday-probes"))
        await probes.stop()

        // Every probe sent was answered and delivered once: sequences from 0 without gaps or repeats.
        let delivered = sink.deliveries
        for user in Self.users {
            let samples = sink.samples(of: user.id)
            #expect(!samples.isEmpty)
            #expect(samples.map(\.sequence) == Array(0..<samples.count))
            #expect(samples.allSatisfy { $0.sample.ok })
        }
        #expect(!threadNames().contains("gameday-probes"))
        await probes.stop()
        try await Task.sleep(for: .milliseconds(300))
        #expect(sink.deliveries.count == delivered.count)
    }

    @Test func aRequestThatCannotBeRenderedFailsEverySampleWithTheReason() async throws {
        // No request to send: the own client has nothing to take, and libcurl is set up.
        let sink = try await Self.probe(
            [TestUser(id: 50)], with: Self.prober(port: 1, url: "{{nowhere}}/p"), client: .libcurl,
            for: .milliseconds(200))
        let samples = sink.samples(of: "50")
        #expect(samples.count >= 2)
        #expect(samples.map(\.sequence) == Array(0..<samples.count))
        #expect(samples.allSatisfy { !$0.sample.ok && $0.sample.failure?.contains("{{nowhere}}") == true })
    }
}
