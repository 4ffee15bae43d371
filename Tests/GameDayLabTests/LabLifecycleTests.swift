import Foundation
import GameDayLab
import GameDayRuntime
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
                let lines = status.stdout.split(separator: "\n")
                #expect(lines.first == "units: beijing, hangzhou (unit named in: both; routing: modulo)")
                // The table after its header: every service up.
                #expect(lines.dropFirst(2).allSatisfy { $0.hasSuffix(" up") }, "\(status.stdout)")
                let report = try JSONDecoder().decode(
                    LabStatusReport.self, from: Data(try await lab.lab(["status", "--json"]).stdout.utf8))
                #expect(report.allHealthy)
                #expect(report.services.count == LabLayout.standard.serviceNames.count)

                let again = try await lab.lab(["up"])
                #expect(again.exitCode == 0)
                #expect(again.stdout.contains("already up"))

                pids = lab.services.map(\.pid)
                let down = try await lab.lab(["down"])
                #expect(down.exitCode == 0, "\(down.transcript)")
                #expect(
                    down.stdout.split(separator: "\n").count == LabLayout.standard.serviceNames.count, "\(down.stdout)")
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
                let anchor = try Spawn(["/bin/sleep", "120"]).start()
                defer {
                    anchor.cancel()
                    _ = anchor.finish()
                    try? FileManager.default.removeItem(atPath: runDirectory)
                }
                var environment = ProcessInfo.processInfo.environment
                environment["GAMEDAY_LAB_TOKEN"] = "token-from-the-environment"
                let upProcess = try Spawn(
                    [
                        binary, "lab", "up", "--run-dir", runDirectory, "--base-port", "0", "--tied-to",
                        String(anchor.pid),
                    ],
                    environment: environment, standardOutput: .pipe, standardError: .pipe
                ).start()
                let up = await OwnThread.run { upProcess.finish(deadline: .now + .seconds(60)) }
                #expect(up.exitCode == 0, "\(up.transcript)")
                let pids = LabProcessTable.labServeProcesses(runDirectory: runDirectory)
                #expect(pids.count == LabLayout.standard.serviceNames.count)
                // The services were started detached (`Spawn.detached`): `lab up`'s process group,
                // killed whole as a timeout would, holds none of them, and each leads its own session.
                if kill(-upProcess.pid, SIGKILL) == 0 { try await Task.sleep(for: .milliseconds(200)) }
                for pid in pids {
                    #expect(LabProcessTable.isAlive(pid), "pid \(pid) died with the process group of `lab up`")
                    #expect(getsid(pid) == pid)
                }

                let target = try String(contentsOfFile: runDirectory + "/target.yaml", encoding: .utf8)
                #expect(target.contains("token: { env: GAMEDAY_LAB_TOKEN }"))
                #expect(
                    try String(contentsOfFile: runDirectory + "/token", encoding: .utf8).hasPrefix(
                        "token-from-the-environment"))

                anchor.cancel()
                _ = anchor.finish()
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
