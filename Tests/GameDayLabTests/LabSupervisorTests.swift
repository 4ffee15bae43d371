import Foundation
import GameDayTestSupport
import Testing

@testable import GameDayLab

@Suite("Supervisor without services")
struct LabSupervisorTests {
    func service(pid: Int32, log: String) throws -> LabManifest.Service {
        let port = try freePort()  // nothing listens there
        return LabManifest.Service(
            name: "beijing-product", role: .product, unit: "beijing", port: port, pid: pid, pidFile: "/nonexistent",
            logFile: log, healthURL: "http://127.0.0.1:\(port)/health", arguments: [])
    }

    func withLog<T>(_ text: String, _ body: (LabSupervisor, String) async throws -> T) async throws -> T {
        let directory = try TestLab.makeTemporaryDirectory(prefix: "gameday-supervisor")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = directory + "/service.log"
        try text.write(toFile: log, atomically: true, encoding: .utf8)
        return try await body(LabSupervisor(runDirectory: directory, executable: "/bin/false"), log)
    }

    @Test func aServiceThatExitsWhileStartingIsReportedWithItsLog() async throws {
        try await withLog("starting\nError: address already in use\n") { supervisor, log in
            // Int32.max is above pid_max, so no process has it.
            let dead = try service(pid: Int32.max, log: log)
            do {
                try await supervisor.waitUntilHealthy([dead], timeout: .seconds(5))
                Issue.record("a dead service counted as healthy")
            } catch LabError.serviceExited(let name, _, let tail) {
                #expect(name == "beijing-product")
                #expect(tail.contains("address already in use"))
            }
        }
    }

    @Test func aServiceThatNeverAnswersTimesOut() async throws {
        try await withLog("") { supervisor, log in
            let silent = try service(pid: getpid(), log: log)  // alive, but no /health
            do {
                try await supervisor.waitUntilHealthy([silent], timeout: .milliseconds(300))
                Issue.record("a silent service counted as healthy")
            } catch LabError.serviceUnhealthy(let name, _, _, let tail) {
                #expect(name == "beijing-product")
                #expect(tail.contains("log is empty"))
            }
        }
    }

    @Test func downWithNothingRunningSucceeds() async throws {
        try await withLog("") { supervisor, _ in
            #expect(await supervisor.down().stopped.isEmpty)
            #expect(await supervisor.down().stopped.isEmpty)
            await #expect(throws: LabError.noLab(runDirectory: supervisor.paths.root)) {
                try await supervisor.status()
            }
        }
    }
}
