import Foundation
import GameDayLab
import GameDayTestSupport
import Testing

extension LabIntegration {
    /// `D/services.jsonl`: what each server's supervisor saw happen to it, and when.
    @Suite("Service events")
    struct ServiceEvents {
        @Test func aKilledServiceIsLoggedExitedByKillBetweenTheKillAndItsSighting() async throws {
            try await TestLab.withLab { lab in
                let pid = try #require(try lab.pid(of: "beijing-product"))
                let before = LabTimestamp.now().unixMilliseconds
                kill(pid, SIGKILL)
                let event = try #require(
                    try await lab.serviceEvent { $0.pid == pid && $0.event == .exited }, "no exit logged for \(pid)")
                let after = LabTimestamp.now().unixMilliseconds
                #expect(event.service == "beijing-product")
                #expect(event.signal == "KILL")
                #expect(event.status == nil)
                #expect(before <= event.unixMilliseconds, "logged before the kill: \(event)")
                #expect(event.unixMilliseconds <= after, "logged after it was seen: \(event)")
                print(
                    "SIGKILL of beijing-product: exit logged \(milliseconds(event.unixMilliseconds - before)) "
                        + "after kill(), seen \(milliseconds(after - event.unixMilliseconds)) later")
            }
        }

        @Test func aPausedServiceIsLoggedStoppedThenContinued() async throws {
            try await TestLab.withLab { lab in
                let pid = try #require(try lab.pid(of: "hangzhou-cart"))
                // Whatever fails below, the server runs on for `lab down` to stop it gracefully.
                defer { kill(pid, SIGCONT) }

                let beforeStop = LabTimestamp.now().unixMilliseconds
                kill(pid, SIGSTOP)
                let stopped = try #require(try await lab.serviceEvent { $0.pid == pid && $0.event == .stopped })
                let afterStop = LabTimestamp.now().unixMilliseconds

                let beforeContinue = LabTimestamp.now().unixMilliseconds
                kill(pid, SIGCONT)
                let continued = try #require(try await lab.serviceEvent { $0.pid == pid && $0.event == .continued })
                let afterContinue = LabTimestamp.now().unixMilliseconds

                #expect(stopped.signal == "STOP" && stopped.service == "hangzhou-cart")
                #expect(continued.signal == "CONT" && continued.service == "hangzhou-cart")
                #expect(beforeStop <= stopped.unixMilliseconds && stopped.unixMilliseconds <= afterStop, "\(stopped)")
                #expect(
                    beforeContinue <= continued.unixMilliseconds && continued.unixMilliseconds <= afterContinue,
                    "\(continued)")
                let events = try lab.serviceEvents().filter { $0.pid == pid }.map(\.event)
                #expect(events == [.started, .stopped, .continued], "nothing else happened to it")
                print(
                    "SIGSTOP of hangzhou-cart: logged \(milliseconds(stopped.unixMilliseconds - beforeStop)) after "
                        + "kill(); SIGCONT: \(milliseconds(continued.unixMilliseconds - beforeContinue)) after kill()")
            }
        }

        @Test func everyStartIsLoggedWithTheServersPidAlsoAfterARestart() async throws {
            try await TestLab.withLab { lab in
                let started = try lab.serviceEvents().filter { $0.event == .started }
                #expect(started.count == lab.services.count, "\(started)")
                for service in lab.services {
                    #expect(
                        started.filter { $0.service == service.name }.map(\.pid) == [service.pid],
                        "lab.json's pid of \(service.name) is the server's, the one its supervisor logged")
                    let supervisor = try #require(parentPid(of: service.pid))
                    #expect(supervisor != service.pid)
                    #expect(
                        LabProcessTable.isLabSupervisor(supervisor, runDirectory: lab.runDirectory),
                        "\(service.name)'s parent \(supervisor) is not its supervisor")
                }

                let killed = try await killService("beijing-product", in: lab)
                let restart = try await lab.lab(["restart-service", "--service", "beijing-product"])
                #expect(restart.exitCode == 0, "\(restart.transcript)")
                let restarted = try #require(try lab.pid(of: "beijing-product"))
                #expect(restarted != killed)
                let starts = try lab.serviceEvents().filter { $0.service == "beijing-product" && $0.event == .started }
                #expect(starts.map(\.pid) == [killed, restarted])
                let supervisor = try #require(parentPid(of: restarted))
                #expect(LabProcessTable.isLabSupervisor(supervisor, runDirectory: lab.runDirectory))
            }
        }

        @Test func sigtermToASupervisorStopsItsServerGracefullyAndIsLogged() async throws {
            try await TestLab.withLab { lab in
                let pid = try #require(try lab.pid(of: "beijing-cart"))
                let supervisor = try #require(parentPid(of: pid))
                #expect(LabProcessTable.isLabSupervisor(supervisor, runDirectory: lab.runDirectory))
                kill(supervisor, SIGTERM)
                let exited = try #require(try await lab.serviceEvent { $0.pid == pid && $0.event == .exited })
                #expect(exited.status == 0 && exited.signal == nil, "the server shut down by itself: \(exited)")
                #expect(await eventually { !LabProcessTable.isAlive(supervisor) }, "the supervisor outlived its server")
                #expect(!LabProcessTable.isAlive(pid))
            }
        }

        @Test func downLeavesNoSupervisorAndNoServerAndLogsEveryExit() async throws {
            var runDirectory = ""
            try await TestLab.withLab { lab in
                runDirectory = lab.runDirectory
                let supervisors = LabProcessTable.labSupervisorProcesses(runDirectory: lab.runDirectory)
                #expect(supervisors.count == lab.services.count)

                let down = try await lab.lab(["down"])
                #expect(down.exitCode == 0, "\(down.transcript)")
                #expect(processes(mentioning: lab.runDirectory).isEmpty, "left: \(processes(mentioning: runDirectory))")
                for supervisor in supervisors { #expect(!LabProcessTable.isAlive(supervisor)) }

                let exits = try lab.serviceEvents().filter { $0.event == .exited }
                for service in lab.services {
                    let exit = exits.filter { $0.pid == service.pid }
                    #expect(exit.count == 1, "\(service.name): \(exit)")
                    // `lab down` sends SIGTERM, on which a server shuts down and exits 0; only one it had to
                    // kill after the grace period (which it says) would show KILL.
                    if down.stdout.contains("stopped \(service.name) (pid \(service.pid)) with SIGKILL") {
                        #expect(exit.first?.signal == "KILL")
                    } else {
                        #expect(exit.first?.status == 0, "\(service.name): \(exit)")
                    }
                }
            }
            #expect(processes(mentioning: runDirectory).isEmpty)
        }
    }
}
