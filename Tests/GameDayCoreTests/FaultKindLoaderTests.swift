import Testing

@testable import GameDayCore

/// Each kind of fault, read from its file under `Fixtures/valid/` into exactly the action it describes.
@Suite struct FaultKindLoaderTests {
    /// The faults of `valid/<name>`, with their locations.
    func faults(_ name: String) throws -> [FaultSpec] {
        let file = "valid/\(name)"
        return try DrillLoader.parseDrill(yaml: Fixture.text(file), file: file).faults
    }

    func at(_ name: String, _ line: Int) -> SourceLocation {
        SourceLocation(file: "valid/\(name)", line: line, column: 5)
    }

    @Test func pauseProcessStopsWithoutRestarting() throws {
        let name = "pause-process-drill.yaml"
        #expect(
            try faults(name) == [
                FaultSpec(
                    name: "product-frozen", unit: "beijing", service: "product",
                    action: .pauseProcess, location: at(name, 9))
            ])
        #expect(try faults(name).first?.action.kind == "pause-process")
    }

    @Test func blockPortTakesTheServicesPortOrListedPorts() throws {
        let name = "block-port-drill.yaml"
        #expect(
            try faults(name) == [
                FaultSpec(
                    name: "product-port", unit: "beijing", service: "product",
                    action: .blockPort(
                        PortBlockSpec(direction: .inbound, transport: .tcp, ports: [], peer: nil, backend: .auto)),
                    location: at(name, 8)),
                FaultSpec(
                    name: "search-ports", unit: "beijing", service: "",
                    action: .blockPort(
                        PortBlockSpec(
                            direction: .outbound, transport: .udp,
                            ports: [PortRange(9400), PortRange(9500, 9510), PortRange(9600, 9601)],
                            peer: "10.231.0.0/16", backend: .nftables)),
                    location: at(name, 12)),
                FaultSpec(
                    name: "v6-peer", unit: "beijing", service: "",
                    action: .blockPort(PortBlockSpec(ports: [PortRange(9311)], peer: "fd00::1", backend: .iptables)),
                    location: at(name, 20)),
            ])
    }

    @Test func latencyReadsDelayJitterLossAndMatch() throws {
        let name = "latency-drill.yaml"
        #expect(
            try faults(name) == [
                FaultSpec(
                    name: "slow-link", unit: "beijing", service: "",
                    action: .latency(
                        NetemSpec(
                            interface: "gd-bj0", delay: .milliseconds(200), jitter: .milliseconds(20), loss: 1.5,
                            match: nil, replaceRoot: true)),
                    location: at(name, 8)),
                FaultSpec(
                    name: "lossy-product", unit: "beijing", service: "",
                    action: .latency(
                        NetemSpec(
                            interface: "gd-bj1", delay: nil, jitter: nil, loss: 0.5,
                            match: TrafficMatch(port: 9311, address: "10.231.0.2"), replaceRoot: false)),
                    location: at(name, 16)),
            ])
    }

    @Test func bandwidthFillsInBurstAndLatency() throws {
        let name = "bandwidth-drill.yaml"
        #expect(
            try faults(name) == [
                FaultSpec(
                    name: "thin-pipe", unit: "beijing", service: "",
                    action: .bandwidth(
                        BandwidthSpec(
                            interface: "gd-bj0", rate: "1mbit", burst: "32kbit", latency: .milliseconds(50),
                            replaceRoot: false)),
                    location: at(name, 8)),
                FaultSpec(
                    name: "thinner-pipe", unit: "beijing", service: "",
                    action: .bandwidth(
                        BandwidthSpec(
                            interface: "gd-bj1", rate: "2.5mbps", burst: "10kb", latency: .milliseconds(100),
                            replaceRoot: true)),
                    location: at(name, 13)),
            ])
    }

    @Test func proxyReadsEveryToxic() throws {
        let name = "proxy-drill.yaml"
        func proxy(_ name: String, service: String = "", _ spec: ProxyFaultSpec, line: Int) -> FaultSpec {
            FaultSpec(
                name: name, unit: "beijing", service: service, action: .proxy(spec),
                location: at("proxy-drill.yaml", line))
        }
        #expect(
            try faults(name) == [
                proxy(
                    "slow-product",
                    ProxyFaultSpec(
                        proxy: "product", toxic: .latency(.milliseconds(300), jitter: .milliseconds(50)),
                        stream: .upstream, toxicity: 0.5), line: 8),
                proxy(
                    "hung-product", service: "product",
                    ProxyFaultSpec(proxy: "product", toxic: .timeout(.zero), stream: .downstream, toxicity: 1.0),
                    line: 17),
                proxy(
                    "thin-cart", ProxyFaultSpec(proxy: "cart", toxic: .bandwidth(kilobytesPerSecond: 64)),
                    line: 24),
                proxy("reset-cart", ProxyFaultSpec(proxy: "cart", toxic: .resetPeer(.zero)), line: 30),
                proxy(
                    "reset-search", ProxyFaultSpec(proxy: "search", toxic: .resetPeer(.milliseconds(500))),
                    line: 35),
                proxy(
                    "storefront-down", ProxyFaultSpec(proxy: "storefront", toxic: .down, toxicity: 1),
                    line: 41),
            ])
    }

    @Test func aProxyLatencyWithoutJitterHasNone() throws {
        let drill = try DrillLoader.parseDrill(
            yaml: """
                drill: slow
                probe: { request: { url: "{{gateway.url}}/" } }
                users: [{ id: 1 }]
                faults: [{ name: slow, kind: proxy, unit: beijing, proxy: product, toxic: latency, latency: 1s }]
                """, file: "slow.yaml")
        #expect(
            drill.faults.first?.action
                == .proxy(ProxyFaultSpec(proxy: "product", toxic: .latency(.seconds(1), jitter: .zero))))
    }

    @Test(arguments: [
        ("ports: 1", [PortRange(1)]),
        ("ports: 65535", [PortRange(65535)]),
        ("ports: \"9000\"", [PortRange(9000)]),
        ("ports: 9000-9000", [PortRange(9000)]),
        ("ports: [1-65535, 80]", [PortRange(1, 65535), PortRange(80)]),
    ])
    func portsAreOneOrManyRanges(yaml: String, ports: [PortRange]) throws {
        let drill = try DrillLoader.parseDrill(
            yaml: """
                drill: blocked
                probe: { request: { url: "{{gateway.url}}/" } }
                users: [{ id: 1 }]
                faults:
                  - { name: blocked, kind: block-port, unit: beijing, \(yaml) }
                """, file: "blocked.yaml")
        #expect(drill.faults.first?.action == .blockPort(PortBlockSpec(ports: ports)))
    }

    @Test(arguments: [("loss: 0", 0.0), ("loss: 100", 100), ("loss: 100%", 100), ("loss: '0.01%'", 0.01)])
    func lossIsAPercentage(yaml: String, loss: Double) throws {
        let drill = try DrillLoader.parseDrill(
            yaml: """
                drill: lossy
                probe: { request: { url: "{{gateway.url}}/" } }
                users: [{ id: 1 }]
                faults: [{ name: lossy, kind: latency, unit: beijing, interface: eth0, \(yaml) }]
                """, file: "lossy.yaml")
        #expect(drill.faults.first?.action == .latency(NetemSpec(interface: "eth0", loss: loss)))
    }

    static func latencyDrill(_ keys: String) -> String {
        """
        drill: slow
        probe: { request: { url: "{{gateway.url}}/" } }
        users: [{ id: 1 }]
        faults: [{ name: slow, kind: latency, unit: beijing, \(keys) }]
        """
    }

    static func latency(_ keys: String) throws -> FaultAction? {
        try DrillLoader.parseDrill(yaml: latencyDrill(keys), file: "slow.yaml").faults.first?.action
    }

    static func latencyProblems(_ keys: String) -> [String] {
        do {
            _ = try DrillLoader.parseDrill(yaml: latencyDrill(keys), file: "slow.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func latencyOnTheNfqueueBackendReadsBlockPortsWordsAndNeedsNoInterface() throws {
        #expect(
            try Self.latency(
                "service: product, backend: nfqueue, direction: outbound, protocol: udp, ports: [5353], peer: 10.0.0.9, delay: 1s, jitter: 100ms, reorder: true"
            )
                == .latency(
                    NetemSpec(
                        interface: nil, delay: .seconds(1), jitter: .milliseconds(100), backend: .nfqueue,
                        packets: PortBlockSpec(
                            direction: .outbound, transport: .udp, ports: [PortRange(5353)], peer: "10.0.0.9"),
                        reorder: true)))
        // auto with an interface and a match: either backend can run it; the default.
        #expect(
            try Self.latency("interface: lo, delay: 50ms, match: { port: 9311 }")
                == .latency(NetemSpec(interface: "lo", delay: .milliseconds(50), match: TrafficMatch(port: 9311))))
        // auto with only a service: nfqueue on the service's port.
        #expect(
            try Self.latency("service: product, delay: 50ms")
                == .latency(NetemSpec(interface: nil, delay: .milliseconds(50))))
    }

    @Test func latencyKeysThatDoNotFitTheBackendAreRefusedWhereTheyAre() {
        #expect(
            Self.latencyProblems("backend: netem, delay: 1s")
                == [
                    "slow.yaml:4:10: error: 'faults[0]' needs 'interface' for the netem backend: the qdisc goes on its egress"
                ])
        #expect(
            Self.latencyProblems("backend: netem, interface: lo, delay: 1s, ports: [1]")
                == [
                    "slow.yaml:4:96: error: 'ports' is for the nfqueue backend; tc netem delays an interface's egress, limited by 'match'"
                ])
        #expect(
            Self.latencyProblems("backend: nfqueue, ports: [1], delay: 1s, replace_root: true")
                == [
                    "slow.yaml:4:95: error: 'replace_root' is for the netem backend; nfqueue puts no qdisc on any interface"
                ])
        #expect(
            Self.latencyProblems("delay: 1s")
                == [
                    "slow.yaml:4:10: error: 'faults[0]' needs 'interface' (for tc netem), or 'ports', 'match.port' or a 'service' with a port (for nfqueue)"
                ])
        #expect(Self.latencyProblems("backend: tc, ports: [1], delay: 1s").first?.contains("latency backend") == true)
    }
}
