import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The latency fault's nfqueue backend on real sshd hosts (one network namespace each, this
/// machine's file system, so the built gameday is on every host): the delayer starts on the host,
/// TCP connects to the port there take the delay, the revert leaves neither rule nor delayer; a
/// runner that stops beating leaves nothing once the host's switch fires; and a host without
/// gameday is refused in the preflight, named.
@Suite(
    .serialized, .tags(.sshd), .timeLimit(.minutes(3)),
    .enabled(if: SSHFleet.unavailableReason() == nil, Comment(rawValue: SSHFleet.unavailableReason() ?? "")))
struct SSHQueueDelayTests {
    static let port = 9917
    static let delay = Duration.milliseconds(300)

    static func latency() -> FaultSpec {
        FaultSpec(
            name: "product-slow", unit: "beijing", service: "",
            action: .latency(
                NetemSpec(
                    interface: nil, delay: delay, backend: .nfqueue,
                    packets: PortBlockSpec(direction: .inbound, ports: [PortRange(port)]))))
    }

    /// The fleet's target, with `ssh.gameday` set.
    static func target(_ fleet: SSHFleet, gameday: String) throws -> Target {
        let path = try fleet.targetFile(port: port)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacing("connect_timeout: 3s }", with: "connect_timeout: 3s, gameday: \"\(gameday)\" }")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let target = try DrillLoader.loadTarget(path: path)
        #expect(target.unit(named: "beijing")?.ssh?.gameday == gameday)
        return target
    }

    static func driver(_ session: SSHHostSession) -> SSHNetworkFaultDriver {
        SSHNetworkFaultDriver(session: session, deadline: Date().timeIntervalSince1970 + 600)
    }

    /// The fastest of three TCP connects from here to the host's port, in milliseconds.
    static func connectMilliseconds(_ address: String, _ port: Int) -> Double? {
        ConnectTimer.measure(host: address, port: UInt16(port), count: 3, timeout: .seconds(3)).compactMap {
            if case .answered(let milliseconds, _) = $0 { milliseconds } else { nil }
        }.min()
    }

    /// gameday's queue rules in the host's namespace (iptables' and nftables' views).
    static func rules(on host: SSHFleet.Host) -> String {
        var seen = ""
        for argv in [["iptables-save"], ["nft", "list", "tables"]] {
            seen += TestNamespaces.output(["ip", "netns", "exec", host.namespace] + argv)
                .split(whereSeparator: \.isNewline).filter { $0.lowercased().contains("gameday") }
                .joined(separator: "\n")
        }
        return seen
    }

    /// The delayers of one run still running (the fleet's hosts share this machine's processes).
    static func delayers(of runId: String) -> [Int32] {
        (try? ProcessTable().find(.commandLine("delayer --tag gameday_\(runId)_"))) ?? []
    }

    /// The switch's files a run left in /tmp (fired state, the delayer's log), removed.
    static func removeSwitchFiles(of runId: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for name in names where name.hasPrefix("gameday-switch-\(runId)-") {
            try? FileManager.default.removeItem(atPath: "/tmp/\(name)")
        }
    }

    @Test func connectsToThePortOnTheHostTakeTheDelayUntilTheRevertLeavesNothing() async throws {
        let runId = "sshqd01"
        defer { Self.removeSwitchFiles(of: runId) }
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            try await fleet.startListeners(port: Self.port)
            let host = try #require(fleet.hosts.first)
            let target = try Self.target(fleet, gameday: try GameDayBinary.path)
            let session = SSHHostSession(runId: runId, switchTimeout: .seconds(5))
            let driver = Self.driver(session)
            let fault = Self.latency()

            let checked = try await driver.check(fault, in: target)
            #expect(checked.contains("will queue inbound tcp \(Self.port)"), "\(checked)")
            let applied = try await driver.apply(fault, in: target)
            let effect = applied.hosts.map(\.effect).joined(separator: "; ")
            #expect(effect.contains("TCP connects to 127.0.0.1:\(Self.port) took"), "\(effect)")
            #expect(Self.delayers(of: runId).count == 1, "one delayer, on the host")

            // From the runner's side too: at least the delay (no jitter) less a few ms; SSH is not delayed.
            let slow = try #require(Self.connectMilliseconds(host.address, Self.port))
            #expect(slow >= Self.delay.milliseconds - 5, "\(slow) ms")
            let ssh = try #require(Self.connectMilliseconds(host.address, 22))
            #expect(ssh < Self.delay.milliseconds - 5, "the SSH port took \(ssh) ms")

            let reverted = try await driver.revert(applied, in: target)
            #expect(reverted.contains("ended on ssh:"), "\(reverted)")
            #expect(Self.rules(on: host).isEmpty, "\(Self.rules(on: host))")
            #expect(Self.delayers(of: runId).isEmpty, "a delayer is left")
            let fast = try #require(Self.connectMilliseconds(host.address, Self.port))
            #expect(fast < Self.delay.milliseconds - 5, "still delayed: \(fast) ms")
            await session.close()
            let loops = try await SSHNetworkFaultDriverTests.switchLoops(runId)
            #expect(loops.isEmpty, "switch loops left: \(loops)")
        }
    }

    /// The runner's side goes (heartbeats end, connections close) without a revert: the host's
    /// switch fires after its timeout and nothing is left there; the delayer's own lifeline (the
    /// switch's heartbeat) would have ended it too.
    @Test func aRunnerThatFallsSilentLeavesNothingOnceTheSwitchFires() async throws {
        let runId = "sshqd02"
        defer { Self.removeSwitchFiles(of: runId) }
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            try await fleet.startListeners(port: Self.port)
            let host = try #require(fleet.hosts.first)
            let target = try Self.target(fleet, gameday: try GameDayBinary.path)
            let session = SSHHostSession(runId: runId, switchTimeout: .seconds(2))
            let driver = Self.driver(session)
            let fault = Self.latency()
            _ = try await driver.check(fault, in: target)
            let applied = try await driver.apply(fault, in: target)
            #expect(Self.delayers(of: runId).count == 1)
            await session.close()

            var clean = false
            for _ in 0..<60 where !clean {
                try await Task.sleep(for: .milliseconds(250))
                clean = Self.delayers(of: runId).isEmpty && Self.rules(on: host).isEmpty
            }
            #expect(clean, "left after the switch's timeout: \(Self.delayers(of: runId)) \(Self.rules(on: host))")
            // The switch writes its state after its revert commands have run.
            var state = ""
            for _ in 0..<20 where !state.hasPrefix("fired") {
                state = (try? String(contentsOfFile: try Self.stateFile(runId), encoding: .utf8)) ?? ""
                if !state.hasPrefix("fired") { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(state.hasPrefix("fired"), "the switch's state: '\(state)'")
            let fast = try #require(Self.connectMilliseconds(host.address, Self.port))
            #expect(fast < Self.delay.milliseconds - 5, "still delayed: \(fast) ms")
            // The runner's revert afterwards: nothing left, and no error.
            let reverted = try await driver.revert(applied, in: target)
            #expect(reverted.contains("already gone"), "\(reverted)")
            await session.close()
        }
    }

    static func stateFile(_ runId: String) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: "/tmp")
        let name = try #require(names.first { $0.hasPrefix("gameday-switch-\(runId)-") && $0.hasSuffix(".state") })
        return "/tmp/\(name)"
    }

    @Test func aHostWithoutGameDayIsRefusedInThePreflightNamed() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            let host = try #require(fleet.hosts.first)
            let target = try Self.target(fleet, gameday: "/nonexistent/gameday")
            let session = SSHHostSession(runId: "sshqd03", switchTimeout: .seconds(5))
            do {
                _ = try await Self.driver(session).check(Self.latency(), in: target)
                Issue.record("a host without gameday passed the preflight")
            } catch let error as FaultError {
                #expect(error.message.contains(host.address), "\(error.message)")
                #expect(error.message.contains("ssh.gameday"), "\(error.message)")
                #expect(error.message.contains("/nonexistent/gameday"), "\(error.message)")
            }
            #expect(Self.rules(on: host).isEmpty)
            await session.close()
        }
    }
}

/// What `plan` shows for a latency fault's nfqueue backend on SSH hosts: the delayer's own command
/// line on the host (its gameday, its switch's heartbeat, no runner pid there).
@Suite struct SSHQueueDelayPlanTests {
    static func target() throws -> Target {
        let yaml =
            TargetText.twoUnits(name: "plan", gateway: "http://127.0.0.1:1", controlPlane: "http://127.0.0.1:2") + """
                  beijing:
                    ssh: { user: root, gameday: /opt/gameday/bin/gameday }
                    services:
                      product: { hosts: ["10.0.1.11", "10.0.1.12"], process: { port: 9311 } }
                """
        return try DrillLoader.parseTarget(yaml: yaml, file: "/drills/target.yaml")
    }

    @Test func thePlanShowsTheDelayerAsItStartsOnTheHost() throws {
        let plan = SSHNetworkFaultDriver(session: SSHHostSession(runId: "plan1234", switchTimeout: .seconds(6))).plan(
            SSHQueueDelayTests.latency(), in: try Self.target())
        let delayer = try #require(plan.apply.first)
        #expect(Array(delayer.prefix(3)) == ["setsid", "/opt/gameday/bin/gameday", "delayer"], "\(delayer)")
        let words = delayer.joined(separator: " ")
        #expect(words.contains("--heartbeat /tmp/gameday-switch-plan1234-product-slow-10.0.1.11.heartbeat"), "\(words)")
        #expect(words.contains("--timeout 6s --deadline <the run's start"), "\(words)")
        #expect(words.contains("--runner-pid 0"), "\(words)")
        #expect(words.contains("--ready /tmp/gameday-switch-plan1234-product-slow-10.0.1.11.delayer-ready"), "\(words)")
        #expect(plan.proof.contains("shown for 10.0.1.11"), "\(plan.proof)")
        #expect(plan.revert.last?.joined(separator: " ").contains("on the host") == true, "\(plan.revert)")
    }
}
