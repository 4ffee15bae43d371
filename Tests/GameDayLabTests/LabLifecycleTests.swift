import Foundation
import GameDayLab
import GameDayTestSupport
import Testing

extension LabIntegration {
    @Suite("Lab lifecycle")
    struct Lifecycle {
        @Test func statusDownAndNothingLeftBehind() async throws {
            var pids: [Int32] = []
            var runDirectory = ""
            try await TestLab.withLab { lab in
                runDirectory = lab.runDirectory
                var info = stat()
                #expect(stat(lab.tokenPath, &info) == 0)
                #expect(info.st_mode & 0o777 == 0o600, "the token file is readable by its owner only")
                #expect(lab.token.count == 32 && lab.token.allSatisfy { $0.isHexDigit })
                #expect(FileManager.default.fileExists(atPath: lab.targetPath))

                let status = try await lab.lab(["status"])
                #expect(status.exitCode == 0, "\(status.transcript)")
                #expect(status.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.hasSuffix(" up") })
                let report = try JSONDecoder().decode(
                    LabStatusReport.self, from: Data(try await lab.lab(["status", "--json"]).stdout.utf8))
                #expect(report.allHealthy)
                #expect(report.services.count == LabLayout.serviceNames.count)

                let again = try await lab.lab(["up"])
                #expect(again.exitCode == 0)
                #expect(again.stdout.contains("already up"))

                pids = lab.services.map(\.pid)
                let down = try await lab.lab(["down"])
                #expect(down.exitCode == 0, "\(down.transcript)")
                #expect(down.stdout.split(separator: "\n").count == LabLayout.serviceNames.count, "\(down.stdout)")
                let secondDown = try await lab.lab(["down"])
                #expect(secondDown.exitCode == 0, "down is idempotent")

                for pid in pids { #expect(!LabProcessTable.isAlive(pid), "pid \(pid) is still running") }
                for service in lab.services { #expect(!FileManager.default.fileExists(atPath: service.pidFile)) }
                #expect(try await lab.lab(["status"]).exitCode == 1)
            }
            // withLab's own `down` ran a third time, and the run directory is gone.
            #expect(!FileManager.default.fileExists(atPath: runDirectory))
            #expect(LabProcessTable.labServeProcesses(runDirectory: runDirectory).isEmpty)
        }

        @Test func servicesTiedToAProcessExitWithIt() async throws {
            try await LabSlots.shared.with {
                let binary = try GameDayBinary.path
                let runDirectory = try TestLab.makeTemporaryDirectory()
                let anchor = Process()
                anchor.executableURL = URL(fileURLWithPath: "/bin/sleep")
                anchor.arguments = ["120"]
                try anchor.run()
                // SIGKILL, not terminate(): Foundation's Process starts children on Linux with almost every
                // signal blocked (SigBlk fffffffe3bfbea27 seen here), so SIGTERM would not end the sleep.
                defer {
                    if anchor.isRunning { kill(anchor.processIdentifier, SIGKILL) }
                    try? FileManager.default.removeItem(atPath: runDirectory)
                }
                var environment = ProcessInfo.processInfo.environment
                environment["GAMEDAY_LAB_TOKEN"] = "token-from-the-environment"
                let up = try await ChildProcess.run(
                    [
                        binary, "lab", "up", "--run-dir", runDirectory, "--base-port", "0", "--tied-to",
                        String(anchor.processIdentifier),
                    ],
                    environment: environment)
                #expect(up.exitCode == 0, "\(up.transcript)")
                let pids = LabProcessTable.labServeProcesses(runDirectory: runDirectory)
                #expect(pids.count == LabLayout.serviceNames.count)

                let target = try String(contentsOfFile: runDirectory + "/target.yaml", encoding: .utf8)
                #expect(target.contains("token: { env: GAMEDAY_LAB_TOKEN }"))
                #expect(
                    try String(contentsOfFile: runDirectory + "/token", encoding: .utf8).hasPrefix(
                        "token-from-the-environment"))

                kill(anchor.processIdentifier, SIGKILL)
                anchor.waitUntilExit()
                let gone = await eventually(timeout: .seconds(8)) { pids.allSatisfy { !LabProcessTable.isAlive($0) } }
                #expect(gone, "lab services outlived the process they were tied to")
                let pidFiles = try FileManager.default.contentsOfDirectory(atPath: runDirectory).filter {
                    $0.hasSuffix(".pid")
                }
                #expect(pidFiles.isEmpty, "services remove their own pid files on a clean exit: \(pidFiles)")
                // Whatever happened above, nothing stays.
                _ = try await ChildProcess.run([binary, "lab", "down", "--run-dir", runDirectory])
            }
        }
    }
}
