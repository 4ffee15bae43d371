import Foundation

/// The TCP port of every lab service.
///
/// Fixed layout from a base port N: gateway N, control plane N+1, beijing storefront/product/cart
/// N+10..12, its fault proxy's admin API N+13 and its proxies for product and cart N+14..15, its
/// order service N+16; hangzhou N+20..26 likewise; the i-th unit of a longer `--units` list
/// N+10i..10i+6.
public struct LabPorts: Sendable, Hashable {
    /// Service name → port.
    public var byService: [String: Int]
    /// Unit → proxy name (`product`, `cart`) → the port its fault proxy listens on for it.
    public var proxyListeners: [String: [String: Int]]

    public init(byService: [String: Int], proxyListeners: [String: [String: Int]] = [:]) {
        self.byService = byService
        self.proxyListeners = proxyListeners
    }

    public subscript(service: String) -> Int { byService[service]! }

    /// The port unit `unit`'s fault proxy listens on for its proxy to `role`.
    public func proxyListener(unit: String, role: LabRole) -> Int { proxyListeners[unit]![role.rawValue]! }

    /// Every port the lab needs, services and proxy listeners.
    public var all: [Int] { Array(byService.values) + proxyListeners.values.flatMap(\.values) }

    /// The fixed layout from `base` for the units of `layout`.
    public static func fixed(base: Int, layout: LabLayout = .standard) -> LabPorts {
        var ports = [LabRole.gateway.rawValue: base, LabRole.controlPlane.rawValue: base + 1]
        for (index, unit) in layout.units.enumerated() {
            let unitBase = base + 10 * (index + 1)
            ports[LabRole.storefront.serviceName(unit: unit)] = unitBase
            ports[LabRole.product.serviceName(unit: unit)] = unitBase + 1
            ports[LabRole.cart.serviceName(unit: unit)] = unitBase + 2
            ports[LabRole.faultProxy.serviceName(unit: unit)] = unitBase + 3
            ports[LabRole.order.serviceName(unit: unit)] = unitBase + 6
        }
        var listeners: [String: [String: Int]] = [:]
        for (index, unit) in layout.units.enumerated() {
            for (offset, role) in LabLayout.proxiedRoles.enumerated() {
                listeners[unit, default: [:]][role.rawValue] = base + 10 * (index + 1) + 4 + offset
            }
        }
        return LabPorts(byService: ports, proxyListeners: listeners)
    }

    /// A distinct free port for every service and proxy listener, chosen by the kernel.
    public static func free(layout: LabLayout = .standard) throws -> LabPorts {
        var taken: Set<Int> = []
        // Ports are chosen below the kernel's ephemeral range: a port picked there (bind 0, close)
        // can be taken by any outgoing connection before the service binds it, which a busy host
        // (a drill's probes, a test suite) does often. Outside it only another listener competes.
        let below = ephemeralRangeStart()
        func distinct() throws -> Int {
            for _ in 0..<500 where below > 11_000 {
                let port = Int.random(in: 10_000..<below)
                if !taken.contains(port), isFree(port) {
                    taken.insert(port)
                    return port
                }
            }
            var port = try LabPorts.freePort()
            // The kernel may hand the same ephemeral port out twice once we have closed it.
            while taken.contains(port) { port = try LabPorts.freePort() }
            taken.insert(port)
            return port
        }
        var ports: [String: Int] = [:]
        for name in layout.serviceNames { ports[name] = try distinct() }
        var listeners: [String: [String: Int]] = [:]
        for unit in layout.units {
            for role in LabLayout.proxiedRoles { listeners[unit, default: [:]][role.rawValue] = try distinct() }
        }
        return LabPorts(byService: ports, proxyListeners: listeners)
    }

    /// The first port of the kernel's ephemeral range (`net.ipv4.ip_local_port_range`), 32768 if unknown.
    static func ephemeralRangeStart() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32768
    }

    /// Binds 127.0.0.1:0, reads the port the kernel chose, and closes the socket again.
    public static func freePort() throws -> Int {
        try withBoundSocket(port: 0) { $0 }
    }

    /// Whether nothing listens on 127.0.0.1:`port` right now.
    public static func isFree(_ port: Int) -> Bool {
        (try? withBoundSocket(port: port) { _ in true }) ?? false
    }

    private static func withBoundSocket<T>(port: Int, _ body: (Int) -> T) throws -> T {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LabError.portInUse(port) }
        defer { close(fd) }
        // SO_REUSEADDR as the servers use it, so a port in TIME_WAIT counts as free for them too.
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw LabError.portInUse(port) }
        return body(Int(UInt16(bigEndian: address.sin_port)))
    }
}
