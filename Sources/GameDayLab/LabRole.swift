/// What one lab process does. The raw value is what `lab serve --role` takes.
public enum LabRole: String, Sendable, Codable, CaseIterable {
    case gateway
    case controlPlane = "control-plane"
    case storefront
    case product
    case cart
    /// A unit's TCP fault proxy (Toxiproxy's API): the storefront reaches product and cart through it.
    case faultProxy = "fault-proxy"
    /// A unit's order service: writes on SQLite, replicated asynchronously to the other unit.
    case order

    /// Roles that exist once per unit rather than once per lab.
    public var isPerUnit: Bool {
        switch self {
        case .gateway, .controlPlane: false
        case .storefront, .product, .cart, .faultProxy, .order: true
        }
    }

    /// The service name used for pid files, logs and `restart-service`:
    /// `gateway`, `control-plane`, `beijing-product`, ...
    public func serviceName(unit: String?) -> String {
        if isPerUnit, let unit { return "\(unit)-\(rawValue)" }
        return rawValue
    }
}

/// The lab's fixed shape: two units, each with the same five services.
public enum LabLayout {
    /// The units, in the order their ports are numbered (beijing N+10.., hangzhou N+20..).
    public static let units = ["beijing", "hangzhou"]

    /// The services every unit runs, in start order: dependencies, the fault proxy in front of
    /// them, the storefront that calls them through it, then the order service.
    public static let unitRoles: [LabRole] = [.product, .cart, .faultProxy, .storefront, .order]

    /// The other unit, the one `unit` replicates its orders to and from.
    public static func peer(of unit: String) -> String? { units.first { $0 != unit } }

    /// The dependencies of a unit's storefront, each reached through a proxy of that name in the
    /// unit's fault proxy.
    public static let proxiedRoles: [LabRole] = [.product, .cart]

    /// Every service name of the lab, in start order: control plane, unit services, gateway.
    public static var serviceNames: [String] {
        [LabRole.controlPlane.rawValue]
            + units.flatMap { unit in unitRoles.map { $0.serviceName(unit: unit) } }
            + [LabRole.gateway.rawValue]
    }
}
