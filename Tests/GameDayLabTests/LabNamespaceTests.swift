import Foundation
import GameDayCore
import GameDayRuntime
import Synchronization
import Testing

@testable import GameDayLab

@Suite("Network namespaces of a lab (no root needed)")
struct LabNamespaceTests {
    let supervisor = LabSupervisor(runDirectory: "/run/lab", executable: "/opt/gameday/bin/gameday")

    @Test func namesFitTheKernelsLimitsAndAddressesAreOnePerUnit() throws {
        let namespaces = LabNamespace.plan(runDirectory: "/tmp/gameday-lab-AbC123")
        #expect(namespaces.map(\.unit) == ["beijing", "hangzhou"])
        let id = LabNamespace.labID(runDirectory: "/tmp/gameday-lab-AbC123")
        #expect(id.count == 8 && id.allSatisfy(\.isHexDigit))
        for namespace in namespaces {
            #expect(namespace.name == "gameday-\(id)-\(namespace.unit)")
            _ = try NamespaceName(namespace.name)
            _ = try InterfaceName(namespace.hostInterface)
            _ = try InterfaceName(namespace.namespaceInterface)
            let host = try #require(IPv4(namespace.hostAddress))
            #expect(namespace.hostAddress.hasPrefix("10.233.") && host.value % 4 == 1)
            #expect(IPv4(namespace.namespaceAddress)?.value == host.value + 1)
            #expect(namespace.subnet == IPv4(host.value - 1).text + "/30")
        }
        #expect(namespaces[0].hostInterface == "gd\(id)b0" && namespaces[1].namespaceInterface == "gd\(id)h1")
        #expect(Set(namespaces.map(\.subnet)).count == 2)
        #expect(IPv4(namespaces[1].hostAddress)?.value == IPv4(namespaces[0].hostAddress)!.value + 4, "adjacent /30s")
        // The same run directory always gives the same names, so `down` finds a crashed lab's.
        #expect(LabNamespace.plan(runDirectory: "/tmp/gameday-lab-AbC123") == namespaces)
        #expect(LabNamespace.plan(runDirectory: "/tmp/other") != namespaces)
    }

    @Test func unitServicesBindEverywhereInTheirNamespaceAndAreReachedAtItsAddress() throws {
        let namespaces = LabNamespace.plan(runDirectory: "/run/lab")
        let serves = supervisor.serveOptions(
            ports: LabPorts.fixed(base: 9300), options: LabUpOptions(), namespaces: namespaces)
        let beijing = namespaces[0]
        for serve in serves {
            #expect(serve.host == (serve.unit == nil ? "127.0.0.1" : "0.0.0.0"), "\(serve.serviceName)")
        }
        let gateway = try #require(serves.first { $0.role == .gateway })
        #expect(gateway.storefronts["beijing"] == "http://\(beijing.namespaceAddress):9310")
        // Inside the namespace the storefront still calls its fault proxy on loopback.
        let storefront = try #require(serves.first { $0.serviceName == "beijing-storefront" })
        #expect(storefront.productURL == "http://127.0.0.1:9314")
        #expect(storefront.arguments.contains("--host"))
        let proxies = supervisor.faultProxies(serves, namespaces: namespaces)
        #expect(proxies["beijing"]?.adminURL == "http://\(beijing.namespaceAddress):9313")
    }

    @Test func theTargetNamesEachUnitsNamespace() throws {
        let namespaces = LabNamespace.plan(runDirectory: "/run/lab")
        var manifest = LabManifest(
            runDirectory: "/run/lab", executable: supervisor.executable, tokenFile: "/run/lab/token",
            tokenSource: "file", targetFile: "/run/lab/target.yaml", groundTruthLog: "/run/lab/control-plane.jsonl",
            gatewayURL: "http://127.0.0.1:9300", controlPlaneURL: "http://127.0.0.1:9301", ports: [:],
            syncWait: true, syncTimeoutMilliseconds: 5000, replicationLagMilliseconds: 100, switchDelayMilliseconds: 0,
            tiedTo: nil, startedAt: "now", services: [])
        manifest.isolation = .netns
        manifest.namespaces = namespaces
        let yaml = LabTargetFile(manifest: manifest).yaml
        #expect(yaml.contains("  beijing:\n    netns: \(namespaces[0].name)\n    services:"), "\(yaml)")
        #expect(yaml.contains("  hangzhou:\n    netns: \(namespaces[1].name)\n    services:"), "\(yaml)")

        manifest.isolation = .loopback
        manifest.namespaces = nil
        #expect(!LabTargetFile(manifest: manifest).yaml.contains("netns:"))
    }

    @Test func withoutRootTheLabFallsBackAndSaysWhy() {
        #expect(LabNetwork.unavailability(userID: 1000, ip: "/usr/sbin/ip")?.contains("root") == true)
        #expect(LabNetwork.unavailability(userID: 0, ip: nil)?.contains("iproute2") == true)
        #expect(LabNetwork.unavailability(userID: 0, ip: "/usr/sbin/ip") == nil)
        #expect(LabIsolation.unisolatedFaults.contains("block-port, latency and bandwidth"))
    }

    @Test func aRunningLabIsKeptOnlyWithTheIsolationAskedFor() {
        var manifest = LabManifest(
            runDirectory: "/run/lab", executable: "gameday", tokenFile: "t", tokenSource: "file", targetFile: "t",
            groundTruthLog: "g", gatewayURL: "g", controlPlaneURL: "c", ports: [:], syncWait: true,
            syncTimeoutMilliseconds: 0, replicationLagMilliseconds: 0,
            switchDelayMilliseconds: 0, tiedTo: nil, startedAt: "now", services: [])
        #expect(LabSupervisor.isolation(of: manifest, satisfies: LabUpOptions()))
        #expect(LabSupervisor.isolation(of: manifest, satisfies: LabUpOptions(isolation: .loopback)))
        #expect(!LabSupervisor.isolation(of: manifest, satisfies: LabUpOptions(isolation: .netns)))
        manifest.isolationFallback = "not root"
        #expect(LabSupervisor.isolation(of: manifest, satisfies: LabUpOptions(isolation: .netns)))
    }

    @Test func createRunsIpAsArgvAndUndoesAFailedSetup() async throws {
        let namespaces = LabNamespace.plan(runDirectory: "/run/lab")
        let executor = RecordingExecutor(failing: "addr")
        await #expect(throws: LabError.self) {
            try await LabNetwork(namespaces: namespaces, executor: executor).create()
        }
        let commands = executor.commands
        #expect(commands.first == ["ip", "-o", "-4", "addr", "show", "to", namespaces[0].subnet])
        #expect(commands.contains(["ip", "netns", "add", namespaces[0].name]))
        #expect(
            commands.contains([
                "ip", "link", "add", namespaces[0].hostInterface, "type", "veth", "peer", "name",
                namespaces[0].namespaceInterface, "netns", namespaces[0].name,
            ]))
        #expect(!commands.contains { $0.contains(namespaces[1].name) && $0.contains("add") }, "stopped at the failure")
    }
}

/// A dotted IPv4 address as a number, to check the /30 arithmetic.
private struct IPv4 {
    var value: UInt32

    init(_ value: UInt32) { self.value = value }

    init?(_ text: String) {
        let octets = text.split(separator: ".").compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 < 256 }) else { return nil }
        value = octets.reduce(0) { $0 << 8 | $1 }
    }

    var text: String { (0..<4).map { String(value >> (24 - 8 * $0) & 0xff) }.joined(separator: ".") }
}

/// Records every argv; fails the first `ip ... addr add` (exit 2) when asked to.
private final class RecordingExecutor: CommandExecutor {
    let name = "recording"
    private let failing: String?
    private let recorded = Mutex<[[String]]>([])

    init(failing: String? = nil) { self.failing = failing }

    var commands: [[String]] { recorded.withLock { $0 } }

    func run(_ argv: [String], timeout: Duration) async throws(CommandError) -> CommandOutput {
        recorded.withLock { $0.append(argv) }
        if let failing, argv.contains(failing), argv.contains("add") {
            return CommandOutput(exitCode: 2, stderr: "RTNETLINK answers: Operation not permitted")
        }
        return CommandOutput(exitCode: 0)
    }
}
