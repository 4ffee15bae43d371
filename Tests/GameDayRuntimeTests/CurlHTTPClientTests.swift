import Foundation
import GameDayCore
import GameDayRuntime
import Testing

/// libcurl against real sockets on loopback.
@Suite struct CurlHTTPClientTests {
    @Test func getsStatusHeadersBodyAndTimings() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try "hello".write(toFile: scratch.path("index.txt"), atomically: true, encoding: .utf8)
        let (_, port) = try await scratch.listen(
            setup: """
                h = functools.partial(http.server.SimpleHTTPRequestHandler, directory='\(scratch.directory)')
                s = http.server.HTTPServer(('127.0.0.1', 0), h)
                """,
            serve: "s.serve_forever()")

        let response = try await CurlHTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/index.txt"))
        #expect(response.status == 200)
        #expect(response.bodyText == "hello")
        #expect(response.header("content-length") == "5")
        #expect(response.timings.total >= response.timings.connect)
        #expect(response.timings.total > .zero)
    }

    @Test func aClosedPortIsConnectionRefused() async {
        let port = Scratch.freePort()
        do {
            _ = try await CurlHTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/"))
            Issue.record("expected a transport error")
        } catch {
            #expect(error.kind == .connectionRefused)
        }
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(
            setup: "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()", serve: "c = s.accept(); time.sleep(60)")
        do {
            _ = try await CurlHTTPClient().send(
                HTTPRequest(url: "http://127.0.0.1:\(port)/", timeout: .milliseconds(300)))
            Issue.record("expected a timeout")
        } catch {
            #expect(error.kind == .timeout)
        }
    }

    /// An interrupted run does not wait out a hung control plane: cancelling the task abandons the
    /// transfer (within about a second, curl's progress callback) long before its own timeout.
    @Test func cancellingTheTaskAbandonsATransferToAServerThatNeverAnswers() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let (_, port) = try await scratch.listen(
            setup: "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()", serve: "c = s.accept(); time.sleep(120)"
        )
        let transfer = Task {
            try await CurlHTTPClient().send(HTTPRequest(url: "http://127.0.0.1:\(port)/", timeout: .seconds(60)))
        }
        transfer.cancel()
        do {
            _ = try await transfer.value
            Issue.record("expected the transfer to be abandoned")
        } catch let error as HTTPTransportError {
            #expect(error.kind == .cancelled)
            // Abandoned, not timed out: it did not wait for the request's own 60 s.
            #expect(error.message.hasPrefix("abandoned: the run was interrupted"))
        }
    }

    @Test func sendsMethodHeadersAndBody() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let echo = """
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers['Content-Length'])).decode()
                    out = json.dumps({'method': self.command, 'auth': self.headers['Authorization'], 'body': body}).encode()
                    self.send_response(202); self.send_header('X-Echo', 'yes'); self.end_headers(); self.wfile.write(out)
                def log_message(self, *a): pass
            s = http.server.HTTPServer(('127.0.0.1', 0), H)
            """
        let (_, port) = try await scratch.listen(setup: echo, serve: "s.serve_forever()")
        let response = try await CurlHTTPClient().send(
            HTTPRequest(
                method: "POST", url: "http://127.0.0.1:\(port)/v1/cutovers", headers: [("Authorization", "Bearer t")],
                body: Array("{\"a\":1}".utf8)))
        #expect(response.status == 202)
        #expect(response.header("X-Echo") == "yes")
        #expect(
            JSONValue.parse(response.body)
                == .object(["method": .string("POST"), "auth": .string("Bearer t"), "body": .string("{\"a\":1}")]))
    }
}
