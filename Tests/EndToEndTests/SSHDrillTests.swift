import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// A drill whose fault hits a service on five real SSH hosts (an `SSHFleet`, one host per network
/// namespace, each running its own listener on port 9911), with the lab as gateway and control
/// plane: applied and reverted on every host; and, with the runner killed mid-drill, every host
/// back by itself.
@Suite(
    .serialized,
    .enabled(if: SSHFleet.unavailableReason() == nil, Comment(rawValue: SSHFleet.unavailableReason() ?? "")))
struct SSHDrillTests {
    static let port = 9911

    static func startServices(_ fleet: SSHFleet) async throws { try await fleet.startListeners(port: port) }

    static func listeners(_ fleet: SSHFleet) async -> [String: Int32] { fleet.listeners(port: port) }

    /// The lab's target with `beijing/product` moved to the fleet's hosts.
    static func target(lab: TestLab, fleet: SSHFleet, directory: String) throws -> String {
        let labTarget = try DrillLoader.loadTarget(path: lab.targetPath)
        return try fleet.targetFile(port: port, gateway: labTarget.gatewayURL, controlPlane: labTarget.controlPlane.url)
    }

    static func drill(
        directory: String, observe: String, kind: String = "kill-process", faultKeys: String = ""
    ) throws -> String {
        try RemoteDrill.write(
            name: "fleet-product-down", fault: "kind: \(kind)\(faultKeys)", observe: observe, in: directory)
    }

    @Test func aFaultIsAppliedOnEveryHostAndRevertedOnEveryHost() async throws {
        try await TestLab.withLab { lab in
            try await SSHFleet.with(units: 5, hostsPerUnit: 1) { fleet in
                try await Self.startServices(fleet)
                let before = await Self.listeners(fleet)
                #expect(before.count == 5, "\(before)")
                let directory = fleet.root
                let run = try await ChildProcess.run(
                    [
                        lab.binary, "run", try Self.drill(directory: directory, observe: "1s"), "--target",
                        try Self.target(lab: lab, fleet: fleet, directory: directory), "--output",
                        "\(directory)/results",
                        "--state-dir", "\(directory)/state",
                    ], timeout: .seconds(120))
                #expect(run.exitCode == 0, "\(run.transcript)")
                let after = await Self.listeners(fleet)
                #expect(after.count == 5, "every host serves again: \(after)")
                for (address, pid) in before { #expect(after[address] != pid, "\(address) was not restarted") }

                let path = try #require(
                    FileManager.default.subpathsOfDirectory(atPath: "\(directory)/results").first {
                        $0.hasSuffix("result.json")
                    })
                let result = try RunResult.read(Data(contentsOf: URL(fileURLWithPath: "\(directory)/results/\(path)")))
                let fault = try #require(result.faults.first)
                #expect(fault.state == .reverted)
                #expect(fault.hosts?.count == 5)
                #expect(Set(fault.hosts?.map(\.host) ?? []) == Set(fleet.hosts.map(\.address)))
                #expect(fault.plan.executor.hasPrefix("ssh: 5 host(s)"))
                try await DrillRun.validate("\(directory)/results/\(path)")
                // No switch is left on any host, nothing pending (the connections are closed by the runner; the
                // SSH fleet tests check that close() leaves no master).
                #expect(
                    TestNamespaces.output(["pgrep", "-f", "gameday-switch-\(result.runId)"]).isEmpty,
                    "a dead-man's switch was left running")
                #expect(LedgerStore(stateDirectory: "\(directory)/state").pending(target: "fleet-lab").isEmpty)
            }
        }
    }

    /// `hosts: 2` hits two of the five hosts, the same two `plan` names for the run, and only those.
    @Test func aCountOfHostsHitsOnlyThatMany() async throws {
        try await TestLab.withLab { lab in
            try await SSHFleet.with(units: 5, hostsPerUnit: 1) { fleet in
                try await Self.startServices(fleet)
                let before = await Self.listeners(fleet)
                let directory = fleet.root
                let run = try await ChildProcess.run(
                    [
                        lab.binary, "run", try Self.drill(directory: directory, observe: "1s", faultKeys: ", hosts: 2"),
                        "--target", try Self.target(lab: lab, fleet: fleet, directory: directory), "--output",
                        "\(directory)/results", "--state-dir", "\(directory)/state",
                    ], timeout: .seconds(120))
                #expect(run.exitCode == 0, "\(run.transcript)")
                let after = await Self.listeners(fleet)
                let restarted = before.filter { after[$0.key] != $0.value }.map(\.key)
                #expect(restarted.count == 2, "restarted: \(restarted)")
                #expect(after.count == 5)
                let path = try #require(
                    FileManager.default.subpathsOfDirectory(atPath: "\(directory)/results").first {
                        $0.hasSuffix("result.json")
                    })
                let result = try RunResult.read(Data(contentsOf: URL(fileURLWithPath: "\(directory)/results/\(path)")))
                let fault = try #require(result.faults.first)
                #expect(Set(fault.hosts?.map(\.host) ?? []) == Set(restarted))
                #expect(fault.plan.executor.hasPrefix("ssh: 2 host(s) of 5, for this run "))
            }
        }
    }

    /// SIGKILL during the observe phase: nobody reverts for the runner, so each host's switch
    /// (and the local watchdog, whichever comes first) brings the service back.
    @Test func withTheRunnerKilledEveryHostComesBackByItself() async throws {
        try await TestLab.withLab { lab in
            try await SSHFleet.with(units: 5, hostsPerUnit: 1) { fleet in
                try await Self.startServices(fleet)
                let before = await Self.listeners(fleet)
                let directory = fleet.root
                let drill = try Self.drill(directory: directory, observe: "30s")
                let target = try Self.target(lab: lab, fleet: fleet, directory: directory)
                let runner = Process()
                runner.executableURL = URL(fileURLWithPath: lab.binary)
                runner.arguments = [
                    "run", drill, "--target", target, "--output", "\(directory)/results", "--state-dir",
                    "\(directory)/state", "--watchdog-timeout", "3s", "--quiet",
                ]
                try runner.run()
                // Wait until every host lost its service: the fault is applied.
                var gone = false
                for _ in 0..<200 where !gone {
                    try await Task.sleep(for: .milliseconds(100))
                    gone = await Self.listeners(fleet).isEmpty
                }
                #expect(gone, "the fault never took effect")
                kill(runner.processIdentifier, SIGKILL)
                runner.waitUntilExit()
                // Its SSH control directory stays until the next runner's sweep: remove it here.
                defer {
                    for name in (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
                    where name.hasPrefix("gdssh-\(runner.processIdentifier)-") {
                        try? FileManager.default.removeItem(atPath: "/tmp/\(name)")
                    }
                }

                var back: [String: Int32] = [:]
                for _ in 0..<150 where back.count < 5 {
                    try await Task.sleep(for: .milliseconds(100))
                    back = await Self.listeners(fleet)
                }
                #expect(back.count == 5, "hosts still without their service 15s after the runner died: \(back)")
                for (address, pid) in before { #expect(back[address] != pid) }
                // Each host's own switch fired (the local watchdog may have been first; the switch
                // fires all the same, and its restart then finds the port taken).
                var fired: [String] = []
                for _ in 0..<100 where fired.count < 5 {
                    try await Task.sleep(for: .milliseconds(100))
                    fired = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter {
                        $0.hasPrefix("gameday-switch-") && $0.contains("-product-down-10.232.")
                            && $0.hasSuffix(".state")
                    }.filter { name in
                        (try? String(contentsOfFile: "/tmp/\(name)", encoding: .utf8)).map { $0.hasPrefix("fired") }
                            == true
                    }
                }
                #expect(fired.count == 5, "switches that fired: \(fired)")
                for name in fired { try? FileManager.default.removeItem(atPath: "/tmp/\(name)") }
                // `recover` finds nothing left, or finishes the job.
                let recover = try await ChildProcess.run(
                    [lab.binary, "recover", "--state-dir", "\(directory)/state", "--target", target],
                    timeout: .seconds(60))
                #expect(recover.exitCode == 0, "\(recover.transcript)")
                #expect(LedgerStore(stateDirectory: "\(directory)/state").pending(target: "fleet-lab").isEmpty)
            }
        }
    }

    /// A pause on every host: each listener is stopped during the observation and runs again after.
    @Test func aPauseStopsTheServiceOnEveryHostAndResumesIt() async throws {
        try await TestLab.withLab { lab in
            try await SSHFleet.with(units: 5, hostsPerUnit: 1) { fleet in
                try await Self.startServices(fleet)
                let pids = Array(await Self.listeners(fleet).values)
                let directory = fleet.root
                let (_, run) = try await RemoteDrill.start(
                    [
                        "run", try Self.drill(directory: directory, observe: "3s", kind: "pause-process"),
                        "--target", try Self.target(lab: lab, fleet: fleet, directory: directory),
                        "--output", "\(directory)/results", "--state-dir", "\(directory)/state",
                    ], binary: lab.binary, output: "\(directory)/results")
                var stopped = false
                for _ in 0..<300 where !stopped {
                    try await Task.sleep(for: .milliseconds(50))
                    stopped = pids.count == 5 && pids.allSatisfy { ProcessTable().state(of: $0) == "T" }
                }
                #expect(stopped, "the listeners were never all stopped")
                let output = try await run.value
                #expect(output.exitCode == 0, "\(output.transcript)")
                #expect(
                    pids.allSatisfy { ProcessTable().state(of: $0) != nil && ProcessTable().state(of: $0) != "T" },
                    "a listener is still stopped")
                #expect(await Self.listeners(fleet).count == 5)
            }
        }
    }

    /// A port block on every host through the runner: the port stops answering from here during the
    /// observation and answers again after; SSH stays open throughout (the run could not end otherwise).
    @Test func aPortBlockOnEveryHostIsAppliedAndReverted() async throws {
        try await TestLab.withLab { lab in
            try await SSHFleet.with(units: 5, hostsPerUnit: 1) { fleet in
                try await Self.startServices(fleet)
                let directory = fleet.root
                func answering() async -> Int {
                    var count = 0
                    for host in fleet.hosts {
                        let connect = try? await LocalExecutor().run(
                            [
                                "python3", "-c",
                                "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1)",
                                host.address, String(Self.port),
                            ], timeout: .seconds(5))
                        if connect?.exitCode == 0 { count += 1 }
                    }
                    return count
                }
                #expect(await answering() == 5)
                let (_, run) = try await RemoteDrill.start(
                    [
                        "run",
                        try Self.drill(
                            directory: directory, observe: "12s", kind: "block-port",
                            faultKeys: ", ports: [\(Self.port)]"),
                        "--target", try Self.target(lab: lab, fleet: fleet, directory: directory),
                        "--output", "\(directory)/results", "--state-dir", "\(directory)/state",
                    ], binary: lab.binary, output: "\(directory)/results")
                var blocked = false
                for _ in 0..<100 where !blocked {
                    try await Task.sleep(for: .milliseconds(100))
                    blocked = await answering() == 0
                }
                #expect(blocked, "the port never stopped answering on every host")
                let output = try await run.value
                #expect(output.exitCode == 0, "\(output.transcript)")
                #expect(await answering() == 5, "the port does not answer on every host after the run")
            }
        }
    }

    /// Ctrl-C while the service is down on every host: the runner reverts every host itself, disarms
    /// every switch and exits 4.
    @Test func anInterruptedRunRevertsEveryHostItself() async throws {
        try await TestLab.withLab { lab in
            try await SSHFleet.with(units: 5, hostsPerUnit: 1) { fleet in
                try await Self.startServices(fleet)
                let before = await Self.listeners(fleet)
                let directory = fleet.root
                let (pid, run) = try await RemoteDrill.start(
                    [
                        "run", try Self.drill(directory: directory, observe: "60s"), "--target",
                        try Self.target(lab: lab, fleet: fleet, directory: directory), "--output",
                        "\(directory)/results", "--state-dir", "\(directory)/state", "--watchdog-timeout", "5m",
                    ], binary: lab.binary, output: "\(directory)/results")
                var gone = false
                for _ in 0..<300 where !gone {
                    try await Task.sleep(for: .milliseconds(50))
                    gone = await Self.listeners(fleet).isEmpty
                }
                #expect(gone, "the fault never took effect")
                kill(pid, SIGINT)
                let output = try await run.value
                #expect(output.exitCode == 4, "\(output.transcript)")
                let after = await Self.listeners(fleet)
                #expect(after.count == 5, "hosts without their service after Ctrl-C: \(after)")
                for (address, pid) in before { #expect(after[address] != pid) }
                // Disarmed, not fired: every switch of the run ends within its next second, leaving no file.
                let path = try #require(
                    FileManager.default.subpathsOfDirectory(atPath: "\(directory)/results").first {
                        $0.hasSuffix("result.json")
                    })
                let result = try RunResult.read(Data(contentsOf: URL(fileURLWithPath: "\(directory)/results/\(path)")))
                var left: [String] = ["?"]
                for _ in 0..<100 where !left.isEmpty {
                    try await Task.sleep(for: .milliseconds(100))
                    left = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter {
                        $0.hasPrefix("gameday-switch-\(result.runId)-")
                    }
                }
                #expect(left.isEmpty, "switch files left (a switch fired or was not disarmed): \(left)")
                #expect(TestNamespaces.output(["pgrep", "-f", "gameday-switch-\(result.runId)-"]).isEmpty)
                #expect(LedgerStore(stateDirectory: "\(directory)/state").pending(target: "fleet-lab").isEmpty)
            }
        }
    }

    /// `host_key_checking: accept-new` with an empty known_hosts: the drill runs, and the hosts it
    /// reached have their keys recorded (a changed key would still be refused).
    @Test func acceptNewRecordsTheKeysOfTheHostsADrillReaches() async throws {
        try await TestLab.withLab { lab in
            try await SSHFleet.with(units: 2, hostsPerUnit: 1) { fleet in
                try await Self.startServices(fleet)
                let directory = fleet.root
                let strict = try String(
                    contentsOfFile: try Self.target(lab: lab, fleet: fleet, directory: directory), encoding: .utf8)
                let knownHosts = "\(directory)/known_hosts.accept-new"
                try "".write(toFile: knownHosts, atomically: true, encoding: .utf8)
                let known = try #require(strict.firstMatch(of: /known_hosts: ([^,]+),/)).1
                let target = "\(directory)/target-accept-new.yaml"
                try strict.replacingOccurrences(of: "known_hosts: \(known),", with: "known_hosts: \(knownHosts),")
                    .replacingOccurrences(
                        of: "connect_timeout: 3s", with: "connect_timeout: 3s, host_key_checking: accept-new"
                    )
                    .write(toFile: target, atomically: true, encoding: .utf8)
                let run = try await ChildProcess.run(
                    [
                        lab.binary, "run", try Self.drill(directory: directory, observe: "500ms"), "--target", target,
                        "--output", "\(directory)/results", "--state-dir", "\(directory)/state",
                    ], timeout: .seconds(120))
                #expect(run.exitCode == 0, "\(run.transcript)")
                // Names may be hashed (HashKnownHosts): ask ssh-keygen, as ssh would look them up.
                for host in fleet.hosts {
                    let found = try await ChildProcess.run([SSHFleet.keygen, "-F", host.address, "-f", knownHosts])
                    #expect(
                        found.exitCode == 0 && found.stdout.contains("ssh-ed25519"),
                        "\(host.address): \(found.transcript)")
                }
            }
        }
    }
}
