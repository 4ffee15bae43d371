import Foundation
import GameDayCore
import GameDayTestSupport
import Testing

@testable import GameDayRuntime

/// The SSH executor and the fan-out against real OpenSSH servers: 2 units × 5 hosts, each host an
/// sshd of its own on its own address in a network namespace per unit (`SSHFleet`).
@Suite(
    .serialized, .tags(.sshd), .timeLimit(.minutes(3)),
    .enabled(if: SSHFleet.unavailableReason() == nil, Comment(rawValue: SSHFleet.unavailableReason() ?? "")))
struct SSHFleetTests {
    static func killService(_ fleet: SSHFleet) -> [String] { fleet.killServiceCommand }

    static func restartService(_ fleet: SSHFleet) -> [String] { fleet.restartServiceCommand }

    @Test func theRemoteSideReceivesExactlyTheArgv() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            let executor = fleet.executor(fleet.hosts[0])
            let words = [
                "$HOME; rm -rf / *", "it's", "'", "\"double\"", "new\nline", "", "  spaces  ", #"back\slash"#,
                "`id`", "$(id)", "-n", "*", "ünïcødé", "a'b'\\''c",
            ]
            let output = try await executor.run(["printf", "%s\\0"] + words, timeout: .seconds(20))
            #expect(output.exitCode == 0, "\(output.stderr)")
            #expect(
                output.stdout.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
                    == words)

            // The remote command's exit code is the command's, 255 included when ssh itself said nothing.
            #expect(try await executor.run(["sh", "-c", "exit 7"], timeout: .seconds(20)).exitCode == 7)
            let own255 = try await executor.run(["sh", "-c", "echo gave up >&2; exit 255"], timeout: .seconds(20))
            #expect(own255.exitCode == 255)
            #expect(own255.stderr == "gave up\n")
            await executor.close()
        }
    }

    @Test func aFaultIsAppliedAndRevertedOnEveryHostAndNoMasterIsLeft() async throws {
        try await SSHFleet.with { fleet in
            for host in fleet.hosts { try await fleet.startService(on: host) }
            let before = fleet.hosts.map { fleet.servicePID(of: $0)! }
            let executors = fleet.hosts.map { fleet.executor($0) }

            let applied = await Self.everywhere(Self.killService(fleet), on: executors)
            #expect(Self.succeeded(applied), "\(applied)")
            #expect(applied.count == 10)
            // SIGKILL is delivered at once, but the process is gone only once its parent has reaped it.
            #expect(
                await Self.eventually { before.allSatisfy { !ProcessTable().isAlive($0) } },
                "every host's service is gone")

            let reverted = await Self.everywhere(Self.restartService(fleet), on: executors)
            #expect(Self.succeeded(reverted), "\(reverted)")
            let after = fleet.hosts.map { fleet.servicePID(of: $0) }
            #expect(after.allSatisfy { $0.map(ProcessTable().isAlive) == true }, "every host's service runs again")
            #expect(Set(after.compactMap { $0 }).isDisjoint(with: before))

            // One master per host carried both fan-outs; close() ends every one of them.
            #expect(await executors[0].hasMaster())
            #expect(fleet.masters().count == 10)
            for executor in executors { await executor.close() }
            #expect(await Self.eventually { fleet.masters().isEmpty }, "ssh masters left: \(fleet.masters())")
            #expect(!(await executors[0].hasMaster()))
        }
    }

    /// The runner "dies" after applying a fault on five hosts: its heartbeats stop, and every host
    /// reverts by itself through the switch armed before the fault, within the timeout.
    @Test func everyHostRevertsByItselfWhenTheRunnersHeartbeatsStop() async throws {
        try await SSHFleet.with { fleet in
            let hosts = fleet.hosts(ofUnit: 0)
            for host in hosts { try await fleet.startService(on: host) }
            let before = hosts.map { fleet.servicePID(of: $0)! }
            let executors = hosts.map { fleet.executor($0) }
            let switches = try hosts.map { host in
                try RemoteDeadMansSwitch(directory: host.directory, id: "run1-service-down", timeout: .seconds(4))
            }
            // Armed before the fault, each with its host's own revert.
            for (index, host) in hosts.enumerated() {
                let revert = [
                    "sh", "-c", "sleep 600 </dev/null >/dev/null 2>&1 & echo $! > \(host.directory)/service.pid",
                ]
                let armed = try await executors[index].run(
                    try switches[index].armCommand(revert: revert), timeout: .seconds(20))
                #expect(armed.exitCode == 0, "\(host.address): \(armed.stderr)")
            }
            let applied = await Self.everywhere(Self.killService(fleet), on: executors)
            #expect(Self.succeeded(applied), "\(applied)")
            #expect(await Self.eventually { before.allSatisfy { !ProcessTable().isAlive($0) } })

            // Heartbeats for twice the timeout: no host reverts.
            for _ in 0..<16 {
                await withTaskGroup(of: Void.self) { group in
                    for (index, executor) in executors.enumerated() {
                        group.addTask {
                            _ = try? await executor.run(switches[index].heartbeatCommand, timeout: .seconds(5))
                        }
                    }
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(hosts.map { fleet.servicePID(of: $0) } == before, "a host reverted while the heartbeats came")

            // The runner is gone: every host brings its service back on its own.
            let back = await Self.eventually {
                hosts.allSatisfy { host in
                    fleet.servicePID(of: host).map { !before.contains($0) && ProcessTable().isAlive($0) } == true
                }
            }
            #expect(
                back,
                "hosts still faulted: \(hosts.filter { fleet.servicePID(of: $0).map(before.contains) == true }.map(\.address))"
            )
            for (index, executor) in executors.enumerated() {
                #expect(try await executor.run(switches[index].stateCommand, timeout: .seconds(20)).stdout == "fired\n")
            }
            for executor in executors { await executor.close() }
        }
    }

    /// The remote finder over real SSH finds each host's own service: by its pid file, and by a
    /// command line only that host's service has; the finder never finds its own session.
    @Test func theRemoteFinderFindsEachHostsService() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 2) { fleet in
            for host in fleet.hosts { try await fleet.startService(on: host) }
            for (index, host) in fleet.hosts.enumerated() {
                let executor = fleet.executor(host)
                let finder = RemoteProcessFinder(executor: executor)
                let pid = try #require(fleet.servicePID(of: host))
                #expect(try await finder.find(.pidFile("\(host.directory)/service.pid")) == [pid])
                let marker = "\(7_000 + index)"
                let started = try await executor.run(
                    ["sh", "-c", "sleep \(marker) </dev/null >/dev/null 2>&1 & echo $!"], timeout: .seconds(20))
                let unique = try #require(Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
                defer { kill(unique, SIGKILL) }
                #expect(try await finder.find(.commandLine("sleep \(marker)")) == [unique])
                await executor.close()
            }
        }
    }

    @Test func aCountAndAPercentHitOnlyTheChosenHosts() async throws {
        try await SSHFleet.with { fleet in
            for host in fleet.hosts { try await fleet.startService(on: host) }
            let beijing = try HostSelection.count(2).choose(
                from: fleet.hosts(ofUnit: 0), runID: "8f3a", name: \.address)
            let hangzhou = try HostSelection.percent(40).choose(
                from: fleet.hosts(ofUnit: 1), runID: "8f3a", name: \.address)
            #expect(beijing.count == 2 && hangzhou.count == 2)
            let chosen = beijing + hangzhou
            let executors = chosen.map { fleet.executor($0) }

            let result = await Self.everywhere(Self.killService(fleet), on: executors)
            #expect(Self.succeeded(result), "\(result)")
            let pids = chosen.map { fleet.servicePID(of: $0)! }
            #expect(await Self.eventually { pids.allSatisfy { !ProcessTable().isAlive($0) } }, "the chosen are gone")
            for host in fleet.hosts where !chosen.contains(host) {
                #expect(ProcessTable().isAlive(fleet.servicePID(of: host)!), "\(host.address) was not chosen")
            }
            for executor in executors { await executor.close() }
        }
    }

    @Test func anUnreachableHostMakesTheFaultPartialAndThePolicyDecides() async throws {
        try await SSHFleet.with { fleet in
            let unit = fleet.hosts(ofUnit: 0)
            fleet.stop(unit[3])
            let executors = unit.map { fleet.executor($0) }

            let results = await Self.everywhere(["true"], on: executors)
            let outcomes = zip(executors, results).map { executor, result -> Result<HostFault, FaultError> in
                switch result {
                case .success: .success(HostFault(host: executor.name, pids: [], effect: "ran"))
                case .failure(let error): .failure(FaultError("\(executor.name): \(error.message)"))
                }
            }
            let failed = outcomes.compactMap { if case .failure(let error) = $0 { error.message } else { nil } }
            #expect(failed.count == 1)
            let error = failed.first ?? ""
            #expect(error.hasPrefix("ssh:root@\(unit[3].address):22: "), "\(error)")
            #expect(error.contains("host unreachable") && error.contains(unit[3].address), "\(error)")
            for policy in [PartialInjection.abort, .continue] {
                var fault = FaultSpec(
                    name: "check", unit: "beijing", service: "product",
                    action: .killProcess(signal: SignalName("KILL")!, restart: false))
                fault.onPartial = policy
                let plan = FaultPlan(
                    name: "check", kind: "kill-process", unit: "beijing", service: "product", executor: "ssh",
                    locate: "", apply: [], revert: [], proof: "")
                let settled = Result { () throws(FaultError) -> AppliedFault in
                    try PartialInjection.settle(fault, outcomes, of: unit.count, places: "host(s)") { hit in
                        AppliedFault(spec: fault, plan: plan, pids: [], commands: [], effect: "ran on \(hit.count)")
                    }
                }
                switch (policy, settled) {
                case (.abort, .failure(let error)):
                    #expect(error.message.contains("applied on 4 of 5 host(s) only"), "\(error.message)")
                case (.continue, .success(let applied)):
                    #expect(applied.effect.hasPrefix("ran on 4; PARTIAL, not hit: ssh:root@\(unit[3].address):22"))
                default: Issue.record("\(policy): \(settled)")
                }
            }
            for executor in executors { await executor.close() }
        }
    }

    @Test func aHostRefusingTheCommandSaysSoInItsResult() async throws {
        try await SSHFleet.with { fleet in
            let unit = fleet.hosts(ofUnit: 1)
            try fleet.forceCommand("echo 'refused by policy' >&2; exit 3", on: unit[4])
            let executors = unit.map { fleet.executor($0) }

            let results = await Self.everywhere(["true"], on: executors)
            let outputs = results.compactMap { try? $0.get() }
            #expect(outputs.count == 5, "\(results)")
            let refused = outputs.enumerated().filter { $0.element.exitCode != 0 }
            #expect(refused.map(\.offset) == [4])
            #expect(refused.first?.element.exitCode == 3)
            #expect(refused.first?.element.stderr == "refused by policy\n")
            #expect(refused.first?.element.lastLine == "refused by policy")
            for executor in executors { await executor.close() }
        }
    }

    @Test func hostKeysAreCheckedStrictlyAndAStrangersKeyIsRefused() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 2) { fleet in
            let (first, second) = (fleet.hosts[0], fleet.hosts[1])
            // known_hosts that pins the first host to the second host's key: a "rebuilt" or spoofed host.
            let swapped = "\(fleet.root)/known_hosts.swapped"
            let secondKey = try fleet.knownHostsLine(second).split(separator: " ", maxSplits: 1)[1]
            try "\(first.address) \(secondKey)\n".write(toFile: swapped, atomically: true, encoding: .utf8)
            var options = fleet.options
            options.multiplexing = nil
            options.knownHostsFile = swapped
            await Self.expectFailure(fleet.executor(first, options: options), saying: "host key mismatch", first)

            let empty = "\(fleet.root)/known_hosts.empty"
            try "".write(toFile: empty, atomically: true, encoding: .utf8)
            options.knownHostsFile = empty
            await Self.expectFailure(fleet.executor(first, options: options), saying: "host key unknown", first)

            // accept-new trusts a first sight and records it; a changed key is still refused.
            options.hostKeyChecking = .acceptNew
            #expect(
                try await fleet.executor(first, options: options).run(["true"], timeout: .seconds(20)).exitCode == 0)
            #expect(try String(contentsOfFile: empty, encoding: .utf8).contains(first.address))
            options.knownHostsFile = swapped
            await Self.expectFailure(fleet.executor(first, options: options), saying: "host key mismatch", first)

            let stranger = "\(fleet.root)/stranger_ed25519"
            _ = try await LocalExecutor().run(
                [SSHFleet.keygen, "-q", "-t", "ed25519", "-N", "", "-f", stranger], timeout: .seconds(20))
            options = fleet.options
            options.multiplexing = nil
            options.identityFile = stranger
            await Self.expectFailure(fleet.executor(first, options: options), saying: "authentication refused", first)
        }
    }

    @Test func theGuardKnowsTheSshdServingTheSession() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            let host = fleet.hosts[0]
            try await fleet.startService(on: host)
            let executor = fleet.executor(host)
            let channel = try await SSHChannelGuard.discover(via: executor)
            await executor.close()
            let sshd = channel.serving.filter { $0.name == "sshd" || $0.name.hasPrefix("sshd-") }
            #expect(!sshd.isEmpty, "serving: \(channel.serving)")
            #expect(throws: FaultError.self) { try channel.refuseSignal(to: sshd.map(\.pid)) }
            try channel.refuseSignal(to: [fleet.servicePID(of: host)!])
            #expect(throws: FaultError.self) {
                try channel.refuse(try PortBlock(direction: .inbound, ports: [try FirewallPortRange(22)]))
            }
        }
    }

    /// Parallelism without a stopwatch: every host's command waits until all ten have started,
    /// which only completes when all ten run at once.
    @Test func allHostsRunAtOnce() async throws {
        try await SSHFleet.with { fleet in
            let barrier = "\(fleet.root)/barrier"
            try FileManager.default.createDirectory(atPath: barrier, withIntermediateDirectories: true)
            let wait = [
                "sh", "-c",
                "set -- $SSH_CONNECTION; touch \(barrier)/$3; i=0; "
                    + "while [ \"$(ls \(barrier) | wc -l)\" -lt 10 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done; "
                    + "[ \"$(ls \(barrier) | wc -l)\" -ge 10 ]",
            ]
            let executors = fleet.hosts.map { fleet.executor($0) }
            let result = await Self.everywhere(wait, on: executors, timeout: .seconds(60))
            for executor in executors { await executor.close() }
            #expect(Self.succeeded(result), "\(result)")
        }
    }

    @Test func aTimeoutKillsTheLocalSsh() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            var options = fleet.options
            options.multiplexing = nil
            let executor = fleet.executor(fleet.hosts[0], options: options)
            let output = try await executor.run(["sleep", "30"], timeout: .seconds(2))
            #expect(output.timedOut)
            let clients = ProcessTable().pids().filter {
                ProcessTable().commandLine(of: $0)?.contains("\(fleet.hosts[0].address) 'sleep' '30'") == true
            }
            #expect(clients.isEmpty, "ssh clients left: \(clients)")
        }
    }

    // MARK: - Helpers

    /// `argv` on every host at once (`FanOut.map`, as a fault's apply runs): each host's output,
    /// or why it could not run there.
    static func everywhere(_ argv: [String], on executors: [SSHExecutor], timeout: Duration = .seconds(30)) async
        -> [Result<CommandOutput, CommandError>]
    {
        await FanOut.map(executors, concurrency: executors.count) { executor in
            do throws(CommandError) {
                return .success(try await executor.run(argv, timeout: timeout))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Whether every host ran the command to exit 0 in time.
    static func succeeded(_ results: [Result<CommandOutput, CommandError>]) -> Bool {
        results.allSatisfy { result in (try? result.get()).map { $0.exitCode == 0 && !$0.timedOut } ?? false }
    }

    static func expectFailure(
        _ executor: SSHExecutor, saying words: String, _ host: SSHFleet.Host,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async {
        do {
            let output = try await executor.run(["true"], timeout: .seconds(20))
            Issue.record(
                "expected '\(words)', got exit \(output.exitCode): \(output.stderr)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.message.contains(words), "\(error.message)", sourceLocation: sourceLocation)
            #expect(
                error.message.contains("root@\(host.address):22"), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<200 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}

/// Whether the fleet can run is decided for real, by the same checks the suite uses.
@Suite struct SSHFleetAvailabilityTests {
    @Test func saysWhyTheFleetCannotStart() {
        #expect(SSHFleet.unavailableReason(isRoot: false)?.contains("needs root") == true)
        let missing = SSHFleet.unavailableReason(isRoot: true, sshd: "/nonexistent/sbin/sshd")
        #expect(
            missing == "/nonexistent/sbin/sshd is missing: apt-get install -y openssh-server (scripts/setup.sh does)")
        let reason = SSHFleet.unavailableReason()
        print(
            "SSH fleet tests on this machine: \(reason.map { "skipped, \($0)" } ?? "run (root, OpenSSH and ip found)")")
        #expect(
            reason == nil || getuid() != 0 || !FileManager.default.isExecutableFile(atPath: SSHFleet.sshd)
                || !NamespacePair.isAvailable)
    }
}
