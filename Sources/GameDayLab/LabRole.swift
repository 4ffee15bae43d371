/// What one lab process does. The raw value is what `lab serve --role` takes.
public enum LabRole: String, Sendable, Codable, CaseIterable {
    case gateway
    case controlPlane = "control-plane"
    case storefront
    case product
    case cart
    /// A unit's TCP fault proxy (Toxiproxy's API): the storefront reaches product and cart through it.
    case faultProxy = "fault-proxy"
    /// A unit's order service: writes on SQLite, replicated asynchronously to every other unit.
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
