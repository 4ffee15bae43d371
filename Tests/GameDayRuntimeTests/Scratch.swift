import Foundation
import GameDayCore
import GameDayRuntime

/// Real helper processes for runtime tests, all stopped by `cleanUp()`.
final class Scratch: @unchecked Sendable {
    let directory: String
    private var started: [Process] = []

    init() throws {
        directory = NSTemporaryDirectory() + "gameday-runtime-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// Starts `argv` in the background; it is killed by `cleanUp()`.
    @discardableResult
    func start(_ argv: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        started.append(process)
        return process
    }

    func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// Kills every process started here, and any pid written to a `.pid` file here.
    func cleanUp() {
        for process in started where process.isRunning {
            // SIGKILL: a helper may have SIGTERM ignored (inherited from the test runner).
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where file.hasSuffix(".pid")
        {
            if let text = try? String(contentsOfFile: path(file), encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                kill(pid, SIGCONT)
                kill(pid, SIGKILL)
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts a Python server whose `setup` binds a listening socket `s` to port 0 (so no other
    /// test can take the port between a choice and a bind); waits until it listens and returns
    /// the process and its port. `serve` is run afterwards (default: sleep).
    func listen(setup: String, serve: String = "time.sleep(120)", extra: [String] = []) async throws -> (Process, Int) {
        let portFile = path("port-\(UUID().uuidString.prefix(8))")
        let script = """
            import socket, time, http.server, functools, json
            \(setup)
            open('\(portFile).tmp', 'w').write(str(s.getsockname()[1] if hasattr(s, 'getsockname') else s.server_address[1]))
            import os; os.rename('\(portFile).tmp', '\(portFile)')
            \(serve)
            """
        let process = try start(["python3", "-c", script] + extra)
        var port: Int?
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                port = value
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let port else {
            throw CocoaError(
                .fileReadNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the helper server never started"])
        }
        return (process, port)
    }

    /// A TCP port nobody listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until `condition` holds (polling), or gives up after `timeout`.
    static func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}
