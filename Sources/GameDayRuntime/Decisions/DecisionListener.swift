import Foundation
import GameDayCore
import Synchronization

/// `POST http://127.0.0.1:PORT/cutover` with a decision (`ExternalDecisionText`): a listener on
/// the loopback interface only, for a chat-ops bot or a colleague's `curl`.
///
/// Plain sockets rather than the lab's Hummingbird: the runner's stdout carries the result
/// (`--json`), where Hummingbird's default logger would write, and one small request per drill
/// needs no event loops. Bodies up to 16 KiB, one request per connection, each read within 2s.
public final class DecisionListener: Sendable {
    /// The port listened on (the one given, or the one the kernel chose for port 0).
    public let port: Int
    private let socket: Int32
    private let state = Mutex(State())
    private let stopping = Atomic<Bool>(false)
    /// The accept loop's thread, to wait for its end (and the socket's closing).
    private let loop = Mutex<OwnThread.Started?>(nil)

    private struct State {
        /// The run waits for an answer (the decide phase).
        var waiting: CheckedContinuation<CutoverDecision, any Error>?
        var decided: CutoverDecision?
    }

    /// `http://127.0.0.1:PORT/cutover`
    public var url: String { "http://127.0.0.1:\(port)/cutover" }

    /// Binds 127.0.0.1:`port` and starts answering; throws the reason it cannot.
    public init(port: Int) throws(CutoverDecisionUnavailable) {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CutoverDecisionUnavailable("no socket to listen on: \(Self.error())") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            let reason = Self.error()
            close(fd)
            throw CutoverDecisionUnavailable("it cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        socket = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let loop = OwnThread.start { [self] in acceptLoop() }
        self.loop.withLock { $0 = loop }
    }

    /// Waits for the next decision posted; `CancellationError` when cancelled.
    public func next() async throws -> CutoverDecision {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                state.withLock { state in
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        state.waiting = continuation
                    }
                }
            }
        } onCancel: {
            state.withLock { state in
                state.waiting?.resume(throwing: CancellationError())
                state.waiting = nil
            }
        }
    }

    /// Stops listening; the port is free once this returns.
    public func stop() async {
        stopping.store(true, ordering: .relaxed)
        await loop.withLock { $0 }?.value()
    }

    // MARK: - Serving

    private func acceptLoop() {
        defer { close(socket) }
        var listening = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        while !stopping.load(ordering: .relaxed) {
            guard poll(&listening, 1, 100) > 0 else { continue }
            let client = accept(socket, nil, nil)
            guard client >= 0 else { continue }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let (status, body) = respond(to: Self.readRequest(client))
            Self.write(status: status, body: body, to: client)
            close(client)
        }
    }

    /// The answer to one request: its status and a JSON body.
    private func respond(to request: (method: String, path: String, body: String)?) -> (Int, String) {
        guard let request else { return (400, Self.json(["error": "not an HTTP request gameday can read"])) }
        guard request.path == "/cutover" || request.path.hasPrefix("/cutover?") else {
            return (404, Self.json(["error": "only POST /cutover is answered here"]))
        }
        guard request.method == "POST" else { return (405, Self.json(["error": "POST a decision to /cutover"])) }
        guard let text = ExternalDecisionText(request.body) else {
            return (400, Self.json(["error": "the body must be \(ExternalDecisionText.usage)"]))
        }
        let decision = CutoverDecision(go: text.go, decidedBy: .external, via: "POST \(url)", who: text.who)
        let word = text.go ? "go" : "abort"
        return state.withLock { state in
            if let waiting = state.waiting {
                state.waiting = nil
                state.decided = decision
                waiting.resume(returning: decision)
                return (200, Self.json(["accepted": word]))
            }
            if let decided = state.decided {
                return (409, Self.json(["error": "already decided: \(decided.go ? "go" : "abort")"]))
            }
            return (
                409,
                Self.json([
                    "error": "the run is not waiting for a decision yet: it asks once the observe phase has ended"
                ])
            )
        }
    }

    /// The request line and the body (by `Content-Length`), or nil for anything unreadable.
    private static func readRequest(_ client: Int32) -> (method: String, path: String, body: String)? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let limit = 16 * 1024
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        var contentLength = 0
        while data.count <= limit {
            if let end = headerEnd, data.count >= end + contentLength { break }
            let count = read(client, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            data += buffer[0..<count]
            if headerEnd == nil, let range = data.firstRange(of: separator) {
                headerEnd = range.upperBound
                let head = String(decoding: data[..<range.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
        }
        guard let headerEnd, data.count >= headerEnd + contentLength, contentLength <= limit else { return nil }
        let requestLine = String(decoding: data.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        let words = requestLine.split(separator: " ")
        guard words.count == 3 else { return nil }
        let body = String(decoding: data[headerEnd..<(headerEnd + contentLength)], as: UTF8.self)
        return (String(words[0]), String(words[1]), body)
    }

    private static func write(status: Int, body: String, to client: Int32) {
        let reason =
            [200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict"][status] ?? ""
        let text =
            "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n\(body)"
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.write(client, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            sent += count
        }
    }

    private static func json(_ object: [String: String]) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map {
            String(decoding: $0, as: UTF8.self)
        } ?? "{}"
    }

    private static func error() -> String { String(cString: strerror(errno)) }
}
