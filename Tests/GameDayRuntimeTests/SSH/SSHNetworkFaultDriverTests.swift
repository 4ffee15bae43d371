import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// Port blocks on three real sshd hosts (one network namespace each) through SSH: traffic to the
/// service port stops on every host and comes back after the revert, the SSH port stays open, and
/// a block that would cover it is refused.
@Suite(
    .serialized, .tags(.sshd), .timeLimit(.minutes(3)),
    .enabled(if: SSHFleet.unavailableReason() == nil, Comment(rawValue: SSHFleet.unavailableReason() ?? "")))
struct SSHNetworkFaultDriverTests {
    static let port = 9914

    static func block(ports: [PortRange]) -> FaultSpec {
        FaultSpec(
            name: "product-blocked", unit: "beijing", service: "",
            action: .blockPort(PortBlockSpec(direction: .inbound, ports: ports, backend: .nftables)))
    }

    /// Whether a TCP connection to `address:port` is accepted within a second.
    static func connects(_ address: String, _ port: Int) -> Bool {
        let script =
            "import socket,sys; s=socket.socket(); s.settimeout(1)\n"
            + "try:\n s.connect((sys.argv[1], int(sys.argv[2]))); print('yes')\nexcept Exception: print('no')"
        return TestNamespaces.output(["python3", "-c", script, address, String(port)]).hasPrefix("yes")
    }

    /// The switch loops of run `runId` still running after up to three seconds.
    static func switchLoops(_ runId: String) async throws -> String {
        var left = "?"
        for _ in 0..<30 where !left.isEmpty {
            left = TestNamespaces.output(["pgrep", "-f", "gameday-switch-\(runId)"])
            if !left.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        return left
    }

    /// Two faults of a run on the same hosts each get a firewall table of their own: the revert of
    /// one never removes the other's.
    @Test func twoFaultsOfARunOnOneHostHaveTablesOfTheirOwn() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            let target = try DrillLoader.loadTarget(path: try fleet.targetFile(port: Self.port))
            let session = SSHHostSession(runId: "nettwo01", switchTimeout: .seconds(5))
            let driver = SSHNetworkFaultDriver(session: session)
            var second = Self.block(ports: [PortRange(Self.port)])
            second.name = "product-blocked-again"
            var tables: [String] = []
            for fault in [Self.block(ports: [PortRange(Self.port)]), second] {
                for case .onHost(_, let steps) in try await driver.recipe(for: fault, in: target).steps {
                    for case .removePortBlock(_, let scope, _) in steps { tables.append(scope.nftTable) }
                }
            }
            #expect(tables.count == 2 && Set(tables).count == 2, "\(tables)")
            await session.close()
        }
    }

    @Test func aBlockOnEveryHostStopsItsTrafficKeepsSSHAndIsUndone() async throws {
        try await SSHFleet.with(units: 3, hostsPerUnit: 1) { fleet in
            try await fleet.startListeners(port: Self.port)
            #expect(fleet.hosts.allSatisfy { Self.connects($0.address, Self.port) })
            let target = try DrillLoader.loadTarget(path: try fleet.targetFile(port: Self.port))
            let session = SSHHostSession(runId: "netblk01", switchTimeout: .seconds(5))
            let driver = SSHNetworkFaultDriver(session: session)
            let fault = Self.block(ports: [PortRange(Self.port)])

            let checked = try await driver.check(fault, in: target)
            #expect(checked.contains("will block"), "\(checked)")
            let recipe = try await driver.recipe(for: fault, in: target)
            #expect(recipe.steps.count == 3, "one host step per host")
            let applied = try await driver.apply(fault, in: target)
            #expect(applied.hosts.count == 3)
            for host in fleet.hosts {
                #expect(!Self.connects(host.address, Self.port), "\(host.address) still answers on \(Self.port)")
                #expect(Self.connects(host.address, 22), "\(host.address) lost its SSH port")
                let tables = TestNamespaces.output(["ip", "netns", "exec", host.namespace, "nft", "list", "tables"])
                #expect(tables.contains("gameday_netblk01"), "\(tables)")
            }
            let reverted = try await driver.revert(applied, in: target)
            #expect(reverted.contains("deleted table"), "\(reverted)")
            for host in fleet.hosts {
                #expect(Self.connects(host.address, Self.port), "\(host.address) is still blocked")
                let tables = TestNamespaces.output(["ip", "netns", "exec", host.namespace, "nft", "list", "tables"])
                #expect(!tables.contains("gameday_"), "\(tables)")
            }

            // A block of the SSH port is refused before anything is applied.
            await #expect(throws: FaultError.self) {
                try await driver.check(Self.block(ports: [PortRange(20, 30)]), in: target)
            }
            await session.close()
            let left = try await Self.switchLoops("netblk01")
            #expect(left.isEmpty, "switch loops left: \(left)")
        }
    }

    /// `hosts: 2` blocks two of the three hosts, the ones the run id chooses; the third keeps serving.
    @Test func aShareOfTheHostsIsBlockedAndOnlyThat() async throws {
        try await SSHFleet.with(units: 3, hostsPerUnit: 1) { fleet in
            try await fleet.startListeners(port: Self.port)
            let target = try DrillLoader.loadTarget(path: try fleet.targetFile(port: Self.port))
            let session = SSHHostSession(runId: "netshr01", switchTimeout: .seconds(5))
            let driver = SSHNetworkFaultDriver(session: session)
            var fault = Self.block(ports: [PortRange(Self.port)])
            fault.hosts = .count(2)
            let chosen = try session.chosen(fault, among: fleet.hosts.map { HostTarget(host: $0.address) })
            #expect(driver.plan(fault, in: target).executor.hasPrefix("ssh: 2 of 3 host(s) ("))
            _ = try await driver.recipe(for: fault, in: target)
            let applied = try await driver.apply(fault, in: target)
            #expect(Set(applied.hosts.map(\.host)) == Set(chosen.map(\.host)))
            for host in fleet.hosts {
                let hit = chosen.contains { $0.host == host.address }
                #expect(Self.connects(host.address, Self.port) != hit, "\(host.address), chosen: \(hit)")
            }
            _ = try await driver.revert(applied, in: target)
            #expect(fleet.hosts.allSatisfy { Self.connects($0.address, Self.port) })
            await session.close()
            // Disarmed switches end within their next second, removing their files, before the fleet goes.
            let left = try await Self.switchLoops("netshr01")
            #expect(left.isEmpty, "switch loops left: \(left)")
        }
    }

    /// The runner stops its heartbeats (as if it died): each host deletes its block by itself, and
    /// the runner's own revert afterwards finds nothing left to undo.
    @Test func withoutHeartbeatsEveryHostDeletesItsBlockByItself() async throws {
        try await SSHFleet.with(units: 3, hostsPerUnit: 1) { fleet in
            try await fleet.startListeners(port: Self.port)
            let target = try DrillLoader.loadTarget(path: try fleet.targetFile(port: Self.port))
            let session = SSHHostSession(runId: "netblk02", switchTimeout: .seconds(2))
            let driver = SSHNetworkFaultDriver(session: session)
            let fault = Self.block(ports: [PortRange(Self.port)])
            _ = try await driver.check(fault, in: target)
            let applied = try await driver.apply(fault, in: target)
            #expect(fleet.hosts.allSatisfy { !Self.connects($0.address, Self.port) })
            session.stopHeartbeats(fault)
            var open = false
            for _ in 0..<40 where !open {
                try await Task.sleep(for: .milliseconds(250))
                open = fleet.hosts.allSatisfy { Self.connects($0.address, Self.port) }
            }
            #expect(open, "hosts still blocked after their switches' timeout")
            for host in fleet.hosts {
                let tables = TestNamespaces.output(["ip", "netns", "exec", host.namespace, "nft", "list", "tables"])
                #expect(!tables.contains("gameday_netblk02"), "\(host.address): \(tables)")
            }
            let fired = (try FileManager.default.contentsOfDirectory(atPath: "/tmp")).filter {
                $0.hasPrefix("gameday-switch-netblk02-") && $0.hasSuffix(".state")
            }
            #expect(fired.count == 3, "\(fired)")
            for name in fired { try? FileManager.default.removeItem(atPath: "/tmp/\(name)") }
            // The runner's revert after the switches: nothing left, and no error.
            _ = try await driver.revert(applied, in: target)
            await session.close()
        }
    }
}
