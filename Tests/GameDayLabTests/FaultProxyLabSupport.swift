import Dispatch
import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

@testable import GameDayLab

/// A unit's fault proxy admin API in a test lab, spoken through the lab's own HTTP client.
struct FaultProxyAdmin {
    let url: String

    init(_ lab: TestLab, unit: String = "beijing") throws {
        url = "http://127.0.0.1:\(try lab.port(of: "\(unit)-fault-proxy"))"
    }

    /// One request; a transport failure is thrown.
    func call(_ method: String, _ path: String, _ body: String? = nil) async throws -> Upstream.Reply {
        try await Upstream.send(
            method: method, url: url + path, headers: [("Content-Type", "application/json")],
            body: body.map { Array($0.utf8) }, timeout: .seconds(5)
        ).get()
    }

    /// The JSON object a request answers with, after checking its status.
    func object(
        _ method: String, _ path: String, _ body: String? = nil, status: Int = 200,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let reply = try await call(method, path, body)
        let text = String(decoding: reply.body, as: UTF8.self)
        #expect(reply.status == status, "\(method) \(path): \(text)", sourceLocation: sourceLocation)
        return try #require(
            JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any], "not a JSON object: \(text)",
            sourceLocation: sourceLocation)
    }

    /// Adds a toxic to `proxy` (Toxiproxy answers 200).
    func addToxic(
        _ json: String, to proxy: String = "product", sourceLocation: Testing.SourceLocation = #_sourceLocation
    )
        async throws
    {
        _ = try await object("POST", "/proxies/\(proxy)/toxics", json, sourceLocation: sourceLocation)
    }

    func setEnabled(_ enabled: Bool, proxy: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        async throws
    {
        let answer = try await object(
            "POST", "/proxies/\(proxy)", #"{"enabled": \#(enabled)}"#, sourceLocation: sourceLocation)
        #expect(answer["enabled"] as? Bool == enabled, sourceLocation: sourceLocation)
    }

    /// Creates a proxy to 127.0.0.1:`upstreamPort` on a port the kernel picks; returns that port.
    func createProxy(_ name: String, upstreamPort: Int) async throws -> Int {
        let created = try await object(
            "POST", "/proxies", #"{"name":"\#(name)","listen":"127.0.0.1:0","upstream":"127.0.0.1:\#(upstreamPort)"}"#,
            status: 201)
        let listen = try #require(created["listen"] as? String)
        return try #require(listen.split(separator: ":").last.flatMap { Int($0) })
    }
}

/// How long `body` took, on the monotonic clock.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    return (value, clock.now - start)
}

// MARK: - Sockets

/// One TCP exchange with blocking sockets, on dispatch threads so no cooperative thread waits:
/// send everything, half-close (by default), read until the peer closes or the connection fails.
enum RawTCP {
    struct Outcome: Sendable {
        var received: [UInt8] = []
        /// errno of a failed connect.
        var connectError: Int32?
        /// errno of a failed read (ECONNRESET after a reset).
        var readError: Int32?
        var elapsed: Duration = .zero
    }

    /// `halfClose: false` keeps the sending side open, so only the peer (or the proxy) ends it.
    static func exchange(
        port: Int, sending payload: [UInt8], halfClose: Bool = true, timeout: Duration = .seconds(20)
    ) async -> Outcome {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    returning: blockingExchange(port: port, payload: payload, halfClose: halfClose, timeout: timeout))
            }
        }
    }

    private static func blockingExchange(port: Int, payload: [UInt8], halfClose: Bool, timeout: Duration) -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = Outcome()
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return Outcome(connectError: errno) }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return Outcome(connectError: errno, elapsed: clock.now - start) }

        // Sending on its own thread: an echo of a large payload would otherwise deadlock on full buffers.
        let sent = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            sendAll(fd, payload)
            if halfClose { shutdown(fd, Int32(SHUT_WR)) }
            sent.signal()
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count < 0 {
                outcome.readError = errno
                break
            }
            outcome.received += buffer[0..<count]
        }
        sent.wait()
        outcome.elapsed = clock.now - start
        return outcome
    }

    /// Writes all of `bytes`, stopping at the first error; MSG_NOSIGNAL so a reset peer cannot
    /// SIGPIPE the test process.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return }
            offset += count
        }
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// A TCP echo server on 127.0.0.1 (threads, blocking sockets): every connection gets back what it
/// sends, and is closed once its client half-closes.
final class EchoServer: Sendable {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = RawTCP.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread {
            while case let client = accept(fd, nil, nil), client >= 0 {
                Thread.detachNewThread { EchoServer.echo(client) }
            }
        }
    }

    private static func echo(_ client: Int32) {
        defer { close(client) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            RawTCP.sendAll(client, Array(buffer[0..<count]))
        }
        shutdown(client, Int32(SHUT_WR))
    }

    /// Stops accepting; connections still open end when their clients close.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))  // wakes the thread blocked in accept
        close(fd)
    }
}

/// A TCP connection kept open across steps of a test, its blocking calls run on dispatch threads.
final class RawConnection: Sendable {
    private let fd: Int32

    /// Connects to 127.0.0.1:`port`; reads give up after `timeout`.
    init(port: Int, timeout: Duration = .seconds(10)) async throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let connected = await Self.blocking {
            var address = RawTCP.loopback(port: port)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            return result == 0 ? 0 : errno
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: connected) ?? .EIO)
        }
        self.fd = fd
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) async {
        let fd = fd
        await Self.blocking { RawTCP.sendAll(fd, bytes) }
    }

    /// Up to `count` bytes; empty when the peer closed; errno when the read failed.
    func receive(_ count: Int = 65536) async -> Result<[UInt8], POSIXError> {
        let fd = fd
        return await Self.blocking {
            var buffer = [UInt8](repeating: 0, count: count)
            let read = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard read >= 0 else { return .failure(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)) }
            return .success(Array(buffer[0..<read]))
        }
    }

    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }
}
