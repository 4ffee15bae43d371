import Foundation
import GameDayCore

/// The faults the bench times, as a drill would name them, against the lab's beijing unit.
enum BenchFaults {
    static let unit = "beijing"

    /// SIGKILL of beijing product, reverted by its restart command (which waits for its health check).
    static let kill = FaultSpec(
        name: "bench-product-down", unit: unit, service: "product",
        action: .killProcess(signal: SignalName("KILL")!, restart: true))

    /// SIGSTOP of beijing cart, reverted by SIGCONT.
    static let pause = FaultSpec(
        name: "bench-cart-paused", unit: unit, service: "cart",
        action: .killProcess(signal: SignalName("STOP")!, restart: false))

    /// Inbound TCP to beijing product's port, dropped by `backend`.
    static func block(port: Int, backend: FirewallBackend) -> FaultSpec {
        FaultSpec(
            name: "bench-product-blocked-\(backend.rawValue)", unit: unit, service: "product",
            action: .blockPort(
                PortBlockSpec(direction: .inbound, transport: .tcp, ports: [PortRange(port)], backend: backend)))
    }

    /// Egress of `interface` capped at 1mbit with tc tbf.
    static func bandwidth(interface: String) -> FaultSpec {
        FaultSpec(
            name: "bench-thin-pipe", unit: unit, service: "",
            action: .bandwidth(BandwidthSpec(interface: interface, rate: "1mbit")))
    }

    /// Beijing product's port: the target's `port:` when it has one, else the lab's `lab.json`
    /// beside the target file (the lab's target file did not always carry ports).
    static func productPort(in target: Target, targetFile: String) throws -> Int {
        if let port = target.unit(named: unit)?.service(named: "product")?.port { return port }
        struct LabPorts: Decodable { var ports: [String: Int] }
        let labFile = URL(fileURLWithPath: targetFile).deletingLastPathComponent().appendingPathComponent("lab.json")
        let service = "\(unit)-product"
        guard let data = FileManager.default.contents(atPath: labFile.path),
            let port = (try? JSONDecoder().decode(LabPorts.self, from: data))?.ports[service]
        else { throw BenchError.unknownPort(service: service, labFile: labFile.path) }
        return port
    }
}
