import GameDayCore
import GameDayRuntime
import GameDayTestSupport
import Testing

/// A fault on SSH hosts goes to the SSH driver or stops in preflight: the local drivers would
/// otherwise act on this machine's processes and firewall.
@Suite struct SSHTargetRefusalTests {
    static let target = Target(
        name: "staging", gatewayURL: "http://127.0.0.1:1", controlPlane: ControlPlaneTarget(url: "http://127.0.0.1:2"),
        routing: RoutingRule(ranges: [RouteRange(from: 0, to: 9999, unit: "beijing")]),
        units: [
            UnitTarget(
                name: "beijing",
                services: [
                    ServiceTarget(name: "product", process: .pidFile("/run/product.pid")),
                    ServiceTarget(name: "cart", process: .name("cart")),
                ].map { service in
                    var service = service
                    if service.name == "product" {
                        service.hosts = [HostTarget(host: "10.0.1.11"), HostTarget(host: "10.0.1.12", port: 2222)]
                    }
                    return service
                })
        ], file: "staging.yaml")

    static let driver = CompositeFaultDriver(
        process: ProcessFaultDriver(), network: NetworkFaultDriver(runId: "a1b2c3d4"),
        proxy: ProxyFaultDriver(runId: "a1b2c3d4"))

    @Test func aProcessFaultOnSSHHostsIsPlannedThereAndRefusedInPreflight() async throws {
        let fault = FaultSpec(
            name: "product-down", unit: "beijing", service: "product",
            action: .killProcess(signal: SignalName("KILL")!, restart: true))
        #expect(Self.driver.plan(fault, in: Self.target).executor == "ssh: 2 host(s) (10.0.1.11, 10.0.1.12:2222)")
        await #expect(
            throws: FaultError(
                "fault product-down: beijing/product runs on 2 SSH host(s), and this runner has no SSH driver for "
                    + "kill-process faults; nothing was applied")
        ) { try await Self.driver.check(fault, in: Self.target) }
    }

    @Test func aNetworkFaultOnTheUnitIsRefusedTooAndALocalServiceIsNot() async throws {
        let block = FaultSpec(
            name: "unit-blocked", unit: "beijing", service: "",
            action: .blockPort(PortBlockSpec(direction: .inbound, ports: [PortRange(8080)])))
        #expect(CompositeFaultDriver.sshHosts(of: block, in: Self.target)?.count == 2)
        let withSSH = CompositeFaultDriver(
            process: ProcessFaultDriver(), network: NetworkFaultDriver(runId: "a1b2c3d4"),
            ssh: SSHProcessFaultDriver(runId: "a1b2c3d4"))
        await #expect(
            throws: FaultError(
                "fault unit-blocked: beijing runs on 2 SSH host(s), and this runner has no SSH driver for block-port "
                    + "faults; nothing was applied")
        ) { try await withSSH.check(block, in: Self.target) }
        let cart = FaultSpec(
            name: "cart-down", unit: "beijing", service: "cart",
            action: .killProcess(signal: SignalName("KILL")!, restart: true))
        #expect(CompositeFaultDriver.sshHosts(of: cart, in: Self.target) == nil)
        #expect(Self.driver.plan(cart, in: Self.target).executor == "local")
    }

    /// A fault in pods goes to the Kubernetes driver; a runner without one refuses it in preflight.
    @Test func aFaultInPodsWithoutAKubernetesDriverIsRefused() async throws {
        var target = Self.target
        target.units[0].kubernetes = KubernetesTarget(namespace: "shop")
        target.units[0].services[1].pods = PodsTarget(selector: "app=cart", container: "cart")
        let fault = FaultSpec(
            name: "cart-down", unit: "beijing", service: "cart",
            action: .killProcess(signal: SignalName("KILL")!, restart: true))
        #expect(CompositeFaultDriver.inPods(fault, target))
        await #expect(
            throws: FaultError(
                "fault cart-down: beijing/cart runs in pods, and this runner has no Kubernetes driver; nothing was applied"
            )
        ) { try await Self.driver.check(fault, in: target) }
    }

    /// A local process fault never hits this host's sshd (here: a real one, a fleet host's).
    @Test(.enabled(if: SSHFleet.unavailableReason() == nil, Comment(rawValue: SSHFleet.unavailableReason() ?? "")))
    func aLocalFaultOnTheSSHDaemonIsRefused() async throws {
        try await SSHFleet.with(units: 1, hostsPerUnit: 1) { fleet in
            let host = try #require(fleet.hosts.first)
            let target = Target(
                name: "here", gatewayURL: "http://127.0.0.1:1",
                controlPlane: ControlPlaneTarget(url: "http://127.0.0.1:2"),
                routing: RoutingRule(ranges: [RouteRange(from: 0, to: 9999, unit: "beijing")]),
                units: [
                    UnitTarget(
                        name: "beijing",
                        services: [ServiceTarget(name: "sshd", process: .pidFile("\(host.directory)/sshd.pid"))])
                ])
            let fault = FaultSpec(
                name: "sshd-down", unit: "beijing", service: "sshd",
                action: .killProcess(signal: SignalName("KILL")!, restart: false))
            let error = await #expect(throws: FaultError.self) {
                try await ProcessFaultDriver().check(fault, in: target)
            }
            #expect(error?.message.contains("which is the SSH daemon: the runner would cut itself off") == true)
        }
    }
}
