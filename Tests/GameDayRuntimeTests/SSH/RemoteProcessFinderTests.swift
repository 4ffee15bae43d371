import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The remote finder's script, run for real through a local executor (the same `sh` a host runs),
/// against real processes, and held to the answers of the local `ProcessTable`.
@Suite struct RemoteProcessFinderTests {
    /// A copy of `sleep` under a name of its own, so its comm and command line are unique.
    final class Service {
        let directory: String
        let name: String
        let process = Process()

        init() throws {
            name = "gdsvc-" + String(UUID().uuidString.prefix(8)).lowercased()
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent("finder-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "/bin/sleep", toPath: "\(directory)/\(name)")
            process.executableURL = URL(fileURLWithPath: "\(directory)/\(name)")
            process.arguments = ["600"]
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }

        func stop() {
            if process.isRunning {
                kill(pid, SIGKILL)
                process.waitUntilExit()
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test func theValueTravelsAsOctalEscapes() {
        #expect(RemoteProcessFinder.octal("a b'") == #"\141\040\142\047"#)
        let command = RemoteProcessFinder.command(for: .commandLine("lab serve --role product"))
        #expect(command.prefix(2) == ["sh", "-c"])
        #expect(command.suffix(2).first == "cmdline")
        #expect(!command.joined().contains("lab serve"), "the fragment is not in the finder's own command line")
    }

    @Test func findsByNameCommandLinePidFileAndPortAsTheLocalTableDoes() async throws {
        let service = try Service()
        defer { service.stop() }
        let finder = RemoteProcessFinder(executor: LocalExecutor())
        let table = ProcessTable()
        let pidFile = "\(service.directory)/service.pid"
        try "\(service.pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        for locator in [ProcessLocator.name(service.name), .commandLine("\(service.name) 600"), .pidFile(pidFile)] {
            #expect(try await finder.find(locator) == [service.pid], "\(locator)")
            #expect(try table.find(locator) == [service.pid], "\(locator)")
        }

        // The listener on a port.
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let port = try freePort()
        listener.arguments = [
            "python3", "-c",
            "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',\(port))); s.listen(); time.sleep(600)",
        ]
        try listener.run()
        defer {
            kill(listener.processIdentifier, SIGKILL)
            listener.waitUntilExit()
        }
        var found: [Int32] = []
        for _ in 0..<50 where found.isEmpty {
            found = (try? await finder.find(.port(port))) ?? []
            if found.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(found == [listener.processIdentifier])
        #expect(try table.find(.port(port)) == found)
    }

    @Test func whatIsNotThereIsSaidPlainly() async throws {
        let service = try Service()
        let finder = RemoteProcessFinder(executor: LocalExecutor())
        let pidFile = "\(service.directory)/service.pid"
        try "\(service.pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        let name = service.name
        // SIGKILL, not terminate(): Foundation starts children with SIGTERM blocked on Linux.
        kill(service.pid, SIGKILL)
        service.process.waitUntilExit()
        await #expect(
            throws: FaultError("on local: the pid file \(pidFile) names process \(service.pid), which is not running")
        ) {
            try await finder.find(.pidFile(pidFile))
        }
        await #expect(throws: FaultError("no running process matches process name '\(name)' on local")) {
            try await finder.find(.name(name))
        }
        try "not a pid".write(toFile: pidFile, atomically: true, encoding: .utf8)
        await #expect(throws: FaultError("on local: the pid file \(pidFile) does not hold a process id")) {
            try await finder.find(.pidFile(pidFile))
        }
        service.stop()
        await #expect(
            throws: FaultError("on local: the pid file \(pidFile) cannot be read (is the service running?)")
        ) { try await finder.find(.pidFile(pidFile)) }
    }
}
