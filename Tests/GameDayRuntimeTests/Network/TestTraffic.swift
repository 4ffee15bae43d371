import Foundation
import GameDayCore
import GameDayRuntime

/// A small TCP/UDP server and client in Python, run inside the test namespaces with `ip netns exec`
/// (the test process itself stays in the host's namespace, where it must not send anything).
enum TestTraffic {
    static let python =
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    /// Every TCP connection gets `payload` bytes and is closed; every UDP datagram is echoed.
    static let serverScript = """
        import socket, sys, threading, time
        payload = b'x' * int(sys.argv[1])
        tcp = [int(p) for p in sys.argv[2].split(',') if p]
        udp = [int(p) for p in sys.argv[3].split(',') if p]
        def send(c):
            try:
                c.sendall(payload)
            finally:
                c.close()
        def serve_tcp(s):
            while True:
                c, _ = s.accept()
                threading.Thread(target=send, args=(c,), daemon=True).start()
        def serve_udp(s):
            while True:
                d, a = s.recvfrom(2048)
                s.sendto(d, a)
        for p in tcp:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('0.0.0.0', p))
            s.listen(64)
            threading.Thread(target=serve_tcp, args=(s,), daemon=True).start()
        for p in udp:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(('0.0.0.0', p))
            threading.Thread(target=serve_udp, args=(s,), daemon=True).start()
        print('ready', flush=True)
        while True:
            time.sleep(3600)
        """

    /// `tcp HOST PORT TIMEOUT` reads until the server closes; `udp ...` sends one datagram and
    /// waits for its echo. Prints `ok BYTES SECONDS` or `fail ERROR`.
    static let clientScript = """
        import socket, sys, time
        mode, host, port, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
        start = time.monotonic()
        try:
            if mode == 'tcp':
                s = socket.create_connection((host, port), timeout=timeout)
                s.settimeout(60)
                n = 0
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    n += len(b)
            else:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(timeout)
                s.sendto(b'ping', (host, port))
                n = len(s.recvfrom(64)[0])
            print('ok', n, time.monotonic() - start)
        except Exception as e:
            print('fail', type(e).__name__)
        """

    /// A server started in a namespace; it dies with the namespace, or with `stop()`.
    final class Server: @unchecked Sendable {
        let process: Process

        init(in namespace: NamespaceName, tcp: [Int], udp: [Int] = [], payload: Int = 16) throws {
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = NetnsExecutor.wrap(
                [
                    python, "-c", serverScript, "\(payload)", tcp.map(String.init).joined(separator: ","),
                    udp.map(String.init).joined(separator: ","),
                ],
                in: namespace)
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The server prints `ready` once every socket is bound: no polling, no race.
            let line = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
            guard line.hasPrefix("ready") else {
                stop()
                throw CommandError(argv: process.arguments ?? [], message: "the test server did not start")
            }
        }

        func stop() {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }

        deinit { stop() }
    }

    /// What one client attempt saw.
    struct Outcome: Sendable, CustomStringConvertible {
        var ok: Bool
        var bytes: Int
        var seconds: Double
        var error: String

        var description: String { ok ? "ok \(bytes) bytes in \(seconds)s" : "failed: \(error)" }
    }

    /// Connects from `namespace` to `host:port` (TCP: reads everything; UDP: one echo).
    static func attempt(
        from namespace: NamespaceName, to host: String, port: Int, udp: Bool = false, timeout: Double = 1
    ) async throws -> Outcome {
        let output = try await NetnsExecutor(namespace: namespace).run(
            [python, "-c", clientScript, udp ? "udp" : "tcp", host, "\(port)", "\(timeout)"], timeout: .seconds(90))
        let words = output.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
        if words.first == "ok", words.count == 3 {
            return Outcome(ok: true, bytes: Int(words[1]) ?? 0, seconds: Double(words[2]) ?? 0, error: "")
        }
        return Outcome(ok: false, bytes: 0, seconds: 0, error: words.dropFirst().joined(separator: " ") + output.stderr)
    }
}
