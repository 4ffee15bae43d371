import Foundation
import GameDayCore
import Testing

@testable import GameDayRuntime

/// The engine's own HTTP/1.1 client (`RawProbeTransport`, chosen for `http://127.0.0.1`) against a
/// server that answers with exact bytes: the framings of a body, interim answers, connections the
/// server closes, and the request on the wire beside curl's. Part of the serialized engine suite.
extension CurlMultiProbeLauncherTests {
    /// Answers by path with the bytes below, one thread per connection; counts its connections in
    /// `connections` and appends every request head to `requests`.
    static func scriptedServer(_ directory: String) -> String {
        """
        import threading
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('127.0.0.1', 0)); s.listen(256)
        log = open('\(directory)/requests', 'ab', buffering=0)
        CHUNKED = b'HTTP/1.1 200 OK\\r\\nX-Unit: hangzhou\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n5;ext=1\\r\\nhello\\r\\n6\\r\\n world\\r\\n0\\r\\nX-Trailer: t\\r\\n\\r\\n'
        def answer(c, method, path, served):
            if path.startswith('/chunked'): c.sendall(CHUNKED); return True
            if path.startswith('/trickle'):
                for i in range(len(CHUNKED)): c.send(CHUNKED[i:i + 1]); time.sleep(0.0005)
                return True
            if path.startswith('/close'):
                c.sendall(b'HTTP/1.1 200 OK\\r\\nX-Unit: beijing\\r\\nConnection: close\\r\\nContent-Length: 2\\r\\n\\r\\nok'); return False
            if path.startswith('/eof'): c.sendall(b'HTTP/1.0 200 OK\\r\\nX-Unit: beijing\\r\\n\\r\\nuntil close'); return False
            if path.startswith('/continue'):
                c.sendall(b'HTTP/1.1 100 Continue\\r\\n\\r\\nHTTP/1.1 200 OK\\r\\nX-Unit: hangzhou\\r\\nContent-Length: 4\\r\\n\\r\\ndone'); return True
            if path.startswith('/nocontent'): c.sendall(b'HTTP/1.1 204 No Content\\r\\nX-Unit: hangzhou\\r\\n\\r\\n'); return True
            if method == 'HEAD': c.sendall(b'HTTP/1.1 200 OK\\r\\nX-Unit: hangzhou\\r\\nContent-Length: 1000\\r\\n\\r\\n'); return True
            if path.startswith('/second-dies') and served == 1: return False
            if path.startswith('/garbage'): c.sendall(b'HTTP/9 nope\\r\\n\\r\\n'); return False
            c.sendall(b'HTTP/1.1 200 OK\\r\\nX-Unit: hangzhou\\r\\nContent-Length: 2\\r\\n\\r\\nok'); return True
        def serve(c):
            buffer, served = b'', 0
            while True:
                while b'\\r\\n\\r\\n' not in buffer:
                    data = c.recv(65536)
                    if not data: c.close(); return
                    buffer += data
                head, buffer = buffer.split(b'\\r\\n\\r\\n', 1)
                length = 0
                for line in head.split(b'\\r\\n')[1:]:
                    if line.lower().startswith(b'content-length:'): length = int(line.split(b':')[1])
                while len(buffer) < length: buffer += c.recv(65536)
                body, buffer = buffer[:length], buffer[length:]
                log.write(head + b'\\r\\n' + body + b'\\r\\n\\r\\n')
                method, path = head.split(b' ')[0].decode(), head.split(b' ')[1].decode()
                if not answer(c, method, path, served): c.close(); return
                served += 1
        count = 0
        """
    }

    static let acceptConnections = """
        while True:
            c, _ = s.accept(); count += 1
            open(log.name.replace('requests', 'connections'), 'w').write(str(count))
            threading.Thread(target=serve, args=(c,), daemon=True).start()
        """

    /// Probes `path` as user 50 until `count` samples came, judged by `success`; returns them and the
    /// connections the server accepted.
    static func scripted(
        _ path: String, method: String = "GET", success: SuccessCriteria = SuccessCriteria(), count: Int = 4
    ) async throws -> (samples: [ProbeSample], connections: Int) {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(
            setup: scriptedServer(scratch.directory), serve: acceptConnections)
        let prober = Prober(
            spec: ProbeSpec(
                interval: .milliseconds(20), timeout: .seconds(5),
                request: RequestTemplate(
                    method: method, url: Template(stringLiteral: "http://127.0.0.1:\(port)\(path)")),
                success: success, unitFrom: .header("X-Unit"), maxInFlight: 1),
            transport: CurlHTTPClient(), context: TemplateContext(values: [:], environment: { _ in nil }))
        let sink = RecordingSink()
        let probes = start([TestUser(id: 50)], with: prober, client: .own, sink: sink)
        await sink.wait { $0.count >= count }
        await probes.stop()
        let connections = Int((try? String(contentsOfFile: scratch.path("connections"), encoding: .utf8)) ?? "") ?? 0
        return (sink.deliveries.map(\.sample), connections)
    }

    @Test(arguments: ["/chunked", "/trickle"])
    func aChunkedBodyIsDecodedAndItsTrailerRead(path: String) async throws {
        let (samples, connections) = try await Self.scripted(
            path, success: SuccessCriteria(bodyContains: ["hello world"]))
        #expect(samples.allSatisfy { $0.ok && $0.status == 200 && $0.unit == "hangzhou" }, "\(samples)")
        // Read to its end, the connection served every probe.
        #expect(connections == 1)
    }

    @Test func aBodyUntilCloseAndAConnectionCloseTakeANewConnectionEachProbe() async throws {
        let untilClose = try await Self.scripted("/eof", success: SuccessCriteria(bodyContains: ["until close"]))
        #expect(untilClose.samples.allSatisfy { $0.ok && $0.unit == "beijing" }, "\(untilClose.samples)")
        #expect(untilClose.connections >= untilClose.samples.count)
        let closed = try await Self.scripted("/close", success: SuccessCriteria(bodyContains: ["ok"]))
        #expect(closed.samples.allSatisfy { $0.ok && $0.unit == "beijing" }, "\(closed.samples)")
        #expect(closed.connections >= closed.samples.count)
    }

    @Test func interimAnswersNoContentAndHeadAnswersKeepTheConnection() async throws {
        let interim = try await Self.scripted("/continue", success: SuccessCriteria(bodyContains: ["done"]))
        #expect(interim.samples.allSatisfy { $0.ok && $0.status == 200 && $0.unit == "hangzhou" }, "\(interim.samples)")
        let empty = try await Self.scripted("/nocontent", success: SuccessCriteria(status: [204]))
        #expect(empty.samples.allSatisfy { $0.ok && $0.status == 204 }, "\(empty.samples)")
        // HEAD: the Content-Length is the GET's; no body follows, and the next request finds the connection clean.
        let head = try await Self.scripted("/head", method: "HEAD")
        #expect(head.samples.allSatisfy { $0.ok && $0.unit == "hangzhou" }, "\(head.samples)")
        for result in [interim, empty, head] { #expect(result.connections == 1) }
    }

    /// The server closes each connection when its second request comes, unanswered (a keep-alive
    /// that ran out as the request was sent): the request goes again on a new connection.
    @Test func aReusedConnectionClosedBeforeAnAnswerIsRetriedOnANewOne() async throws {
        let (samples, connections) = try await Self.scripted("/second-dies", count: 6)
        #expect(samples.allSatisfy { $0.ok }, "\(samples.map { $0.failure ?? "ok" })")
        #expect(connections >= samples.count / 2)
    }

    @Test func anAnswerThatIsNotHTTPFailsTheProbe() async throws {
        let (samples, _) = try await Self.scripted("/garbage", count: 2)
        #expect(samples.allSatisfy { !$0.ok && $0.failure == "other" && $0.status == nil }, "\(samples)")
    }

    /// The same request, sent by curl (`CurlHTTPClient`) and by the engine's client, is the same bytes.
    @Test func theRequestOnTheWireIsCurls() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(
            setup: Self.scriptedServer(scratch.directory), serve: Self.acceptConnections)
        let template = RequestTemplate(
            method: "POST", url: Template(stringLiteral: "http://127.0.0.1:\(port)/p?userId={{user.id}}"),
            headers: [HeaderTemplate(name: "X-Drill", value: "yes")],
            body: .object([(key: "user", value: .string("{{user.id}}"))]))
        let prober = Prober(
            spec: ProbeSpec(interval: .milliseconds(50), timeout: .seconds(5), request: template, maxInFlight: 1),
            transport: CurlHTTPClient(), context: TemplateContext(values: [:], environment: { _ in nil }))
        let user = TestUser(id: 6000)
        _ = try await CurlHTTPClient().send(try prober.request(for: user).request)
        let sink = RecordingSink()
        let probes = Self.start([user], with: prober, client: .own, sink: sink)
        await sink.wait { $0.count >= 1 }
        await probes.stop()
        let heads = try String(contentsOfFile: scratch.path("requests"), encoding: .utf8)
            .components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }
        #expect(heads.count >= 2)
        #expect(Set(heads).count == 1, "curl sent \(heads.first ?? ""), the engine \(heads.last ?? "")")
    }
}
