import Foundation
import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// The SSH process-fault driver against three real sshd hosts, one of which goes down between the
/// preflight and the injection: `on_partial` decides.
@Suite(
    .serialized, .tags(.sshd), .timeLimit(.minutes(3)),
    .enabled(if: SSHFleet.unavailableReason() == nil, Comment(rawValue: SSHFleet.unavailableReason() ?? "")))
struct SSHProcessFaultDriverTests {
    static let port = 9912

    static func fault(_ policy: PartialInjection) -> FaultSpec {
        var fault = FaultSpec(
            name: "product-down", unit: "beijing", service: "product",
            action: .killProcess(signal: SignalName("KILL")!, restart: true))
        fault.onPartial = policy
        return fault
    }

    static func prepare(_ fleet: SSHFleet) async throws -> Target {
        try await fleet.startListeners(port: port)
        return try DrillLoader.loadTarget(path: try fleet.targetFile(port: port))
    }

    @Test func withContinueAPartialInjectionGoesOnWithTheHostsThatWereHit() async throws {
        try await SSHFleet.with(units: 3, hostsPerUnit: 1) { fleet in
            let target = try await Self.prepare(fleet)
            let before = fleet.listeners(port: Self.port)
            let driver = SSHProcessFaultDriver(runId: "partial1", switchTimeout: .seconds(5))
            _ = try await driver.check(Self.fault(.continue), in: target)
            fleet.stop(fleet.hosts[2])
            let applied = try await driver.apply(Self.fault(.continue), in: target)
            #expect(applied.hosts.map(\.host) == [fleet.hosts[0].address, fleet.hosts[1].address])
            #expect(applied.effect.contains("PARTIAL, not hit: \(fleet.hosts[2].address)"), "\(applied.effect)")
            #expect(fleet.listeners(port: Self.port)[fleet.hosts[0].address] == nil, "host 0 was hit")
            let reverted = try await driver.revert(applied, in: target)
            #expect(reverted.contains("on ssh:root@\(fleet.hosts[0].address):22"), "\(reverted)")
            let after = fleet.listeners(port: Self.port)
            for host in fleet.hosts.prefix(2) {
                #expect(after[host.address].map { $0 != before[host.address] } == true, "\(host.address) is back")
            }
            await driver.close()
            var left = "?"
            for _ in 0..<30 where !left.isEmpty {
                left = TestNamespaces.output(["pgrep", "-f", "gameday-switch-partial1"])
                if !left.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(left.isEmpty, "switch loops left: \(left)")
        }
    }

    /// `health:` on a service on SSH hosts is used after its restart, as it is on this host.
    @Test func aKillsRevertWaitsForTheServicesHealthCheck() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            try await fleet.startListeners(port: Self.port)
            let scratch = try Scratch()
            defer { scratch.cleanUp() }
            let (_, health) = try await scratch.listen(
                setup: ServiceHealthTests.server(failures: 0), serve: "s.serve_forever()")
            let path = try fleet.targetFile(port: Self.port)
            let url = "http://127.0.0.1:\(health)/health"
            // The health check goes next to `process:`, at its indentation.
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(
                separator: "\n", omittingEmptySubsequences: false)
            let yaml = lines.flatMap { line -> [String] in
                guard line.contains("process: { port:") else { return [String(line)] }
                return [String(line), String(line.prefix { $0 == " " }) + "health: \(url)"]
            }.joined(separator: "\n")
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let target = try DrillLoader.loadTarget(path: path)
            #expect(target.unit(named: "beijing")?.service(named: "product")?.health == url)
            let driver = SSHProcessFaultDriver(runId: "health1", switchTimeout: .seconds(5))
            let applied = try await driver.apply(Self.fault(.abort), in: target)
            let reverted = try await driver.revert(applied, in: target)
            #expect(reverted.contains("healthy (\(url): 200)"), "\(reverted)")
            await driver.close()
        }
    }

    @Test func withAbortAPartialInjectionFailsAndPutsTheHitHostsBack() async throws {
        try await SSHFleet.with(units: 3, hostsPerUnit: 1) { fleet in
            let target = try await Self.prepare(fleet)
            let driver = SSHProcessFaultDriver(runId: "partial2", switchTimeout: .seconds(5))
            _ = try await driver.check(Self.fault(.abort), in: target)
            fleet.stop(fleet.hosts[1])
            let error = await #expect(throws: FaultError.self) {
                try await driver.apply(Self.fault(.abort), in: target)
            }
            #expect(error?.message.contains("applied on 2 of 3 host(s) only") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(fleet.hosts[1].address) == true)
            let after = fleet.listeners(port: Self.port)
            #expect(after[fleet.hosts[0].address] != nil && after[fleet.hosts[2].address] != nil, "\(after)")
            await driver.close()
            // No switch stays armed for this run on any host (a disarmed loop ends within its 1 s tick).
            var left = "?"
            for _ in 0..<30 where !left.isEmpty {
                left = TestNamespaces.output(["pgrep", "-f", "gameday-switch-partial2"])
                if !left.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(left.isEmpty, "switch loops left: \(left)")
        }
    }
}
