import Foundation
import GameDayRuntime
import Testing

/// Validation of every value that ends up in a command line, and the protected-endpoint rule.
@Suite struct NetworkValueTests {
    @Test(arguments: ["eth0", "veth-a.1", "gdt1234abcdc", "a"])
    func acceptsPlainInterfaceNames(_ name: String) throws {
        #expect(try InterfaceName(name).name == name)
    }

    @Test(arguments: ["", "-eth0", "eth0; rm -rf /", "eth 0", "a/b", "..", "sixteen-chars-xx", "eth0\n", "ä0"])
    func rejectsInterfaceNamesThatCouldMisleadACommand(_ name: String) {
        #expect(throws: NetworkFaultError.self) { try InterfaceName(name) }
    }

    @Test func namespaceNamesAreCheckedToo() throws {
        #expect(try NamespaceName("gameday-test-1").name == "gameday-test-1")
        #expect(throws: NetworkFaultError.self) { try NamespaceName("--help") }
        #expect(throws: NetworkFaultError.self) { try NamespaceName(String(repeating: "a", count: 65)) }
        #expect(throws: NetworkFaultError.self) { try NetnsExecutor(namespace: "../etc") }
    }

    @Test func ipNetworksAreNumericAndNormalised() throws {
        #expect(try IPNetwork("10.231.0.2").description == "10.231.0.2")
        #expect(try IPNetwork("10.1.2.3/8").description == "10.0.0.0/8")
        #expect(try IPNetwork("10.231.0.2").cidr == "10.231.0.2/32")
        #expect(try IPNetwork("fd00::1/64").description == "fd00::/64")
        #expect(try IPNetwork("::1").family == .ipv6)
        for bad in ["localhost", "10.0.0.1/33", "10.0.0.256", "10.0.0.1/", "10.0.0.1/8/8", "1.2.3.4 ", "10.0.0.1/-1"] {
            #expect(throws: NetworkFaultError.self, "\(bad)") { try IPNetwork(bad) }
        }
    }

    @Test func overlapMeansOneContainsTheOther() throws {
        #expect(try IPNetwork("10.0.0.0/8").overlaps(IPNetwork("10.231.0.2")))
        #expect(try IPNetwork("10.231.0.2").overlaps(IPNetwork("10.0.0.0/8")))
        #expect(try !IPNetwork("10.231.0.1").overlaps(IPNetwork("10.231.0.2")))
        #expect(try !IPNetwork("10.0.0.0/8").overlaps(IPNetwork("::1")))
        #expect(try IPNetwork("0.0.0.0/0").overlaps(IPNetwork("192.0.2.1")))
    }

    @Test func portRanges() throws {
        #expect(try FirewallPortRange(parsing: "8080").description == "8080")
        #expect(try FirewallPortRange(parsing: "9000-9010").description == "9000-9010")
        for bad in ["0", "65536", "9010-9000", "80-", "-80", "8o", "80,81", ""] {
            #expect(throws: NetworkFaultError.self, "\(bad)") { try FirewallPortRange(parsing: bad) }
        }
        #expect(throws: NetworkFaultError.self) { try PortBlock(direction: .inbound, ports: []) }
    }

    @Test func aBlockOfTheSSHPortOrTheControlPlaneIsRefused() throws {
        let protected =
            [ProtectedEndpoint.ssh()]
            + (try ProtectedEndpoint.resolving(label: "control plane", host: "10.0.0.5", port: 8443))
        func cut(_ block: PortBlock) -> ProtectedEndpoint? { protected.first { $0.isCut(by: block) } }

        // Port 22 inside a range, any peer: SSH.
        #expect(cut(try PortBlock(direction: .inbound, ports: [FirewallPortRange(20, 30)]))?.label == "SSH")
        // UDP 22 does not touch an SSH session.
        #expect(cut(try PortBlock(direction: .inbound, transport: .udp, ports: [FirewallPortRange(22)])) == nil)
        // The control plane's port towards a network that holds its address, or towards any peer.
        #expect(
            cut(try PortBlock(direction: .outbound, ports: [FirewallPortRange(8443)], peer: IPNetwork("10.0.0.0/24")))?
                .label
                == "control plane")
        #expect(cut(try PortBlock(direction: .outbound, ports: [FirewallPortRange(8443)])) != nil)
        // The same port towards another host is fine.
        #expect(
            cut(try PortBlock(direction: .outbound, ports: [FirewallPortRange(8443)], peer: IPNetwork("10.0.1.7")))
                == nil)
        #expect(protected[1].description == "control plane 10.0.0.5:8443")
    }

    @Test func resolvingAControlPlaneHostGivesItsAddresses() throws {
        let endpoints = try ProtectedEndpoint.resolving(label: "control plane", host: "localhost", port: 7000)
        #expect(endpoints.contains { $0.address?.description == "127.0.0.1" })
        #expect(
            try ProtectedEndpoint.resolving(label: "cp", host: "[::1]", port: 1).first?.address?.description == "::1")
    }

    @Test func runIDsAndSlotsNameTheFirewallObjects() throws {
        let scope = try FirewallScope(runID: "8f3a01bc", slot: 2)
        #expect(scope.nftTable == "gameday_8f3a01bc_2")
        #expect(scope.nftChain == "block")
        #expect(scope.iptablesChain == "GAMEDAY-8f3a01bc-2")
        // The longest allowed name still fits iptables' 28 characters.
        #expect(try FirewallScope(runID: String(repeating: "f", count: 16), slot: 99).iptablesChain.count <= 28)
        #expect(throws: NetworkFaultError.self) { try FirewallScope(runID: "8f3a-01bc") }
        #expect(throws: NetworkFaultError.self) { try FirewallScope(runID: String(repeating: "f", count: 17)) }
        #expect(throws: NetworkFaultError.self) { try FirewallScope(runID: "x", slot: 0) }
    }

    @Test func shapesAreValidated() throws {
        let eth0 = try InterfaceName("eth0")
        #expect(throws: NetworkFaultError.self) { try NetemImpairment(interface: eth0) }
        #expect(throws: NetworkFaultError.self) {
            try NetemImpairment(interface: eth0, jitter: .milliseconds(5), lossPercent: 1)
        }
        #expect(throws: NetworkFaultError.self) { try NetemImpairment(interface: eth0, lossPercent: 0) }
        #expect(throws: NetworkFaultError.self) { try NetemImpairment(interface: eth0, lossPercent: 101) }
        #expect(throws: NetworkFaultError.self) { try NetemMatch() }
        #expect(throws: NetworkFaultError.self) {
            try BandwidthLimit(interface: eth0, rateBitsPerSecond: 0, burstBytes: 16384)
        }
        #expect(throws: NetworkFaultError.self) {
            try BandwidthLimit(interface: eth0, rateBitsPerSecond: 100_000, burstBytes: 100)
        }
    }

    @Test func messagesSayWhatToDo() {
        let error = NetworkFaultError.foreignRootQdisc(interface: "eth0", root: "htb 1: root")
        #expect(error.localizedDescription.contains("replace_root: true"))
        let refused = NetworkFaultError.protectedEndpoint(block: "inbound tcp 22 (drop)", endpoint: "SSH tcp port 22")
        #expect(refused.description.contains("control channel (SSH tcp port 22)"))
    }
}
