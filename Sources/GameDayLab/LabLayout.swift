/// The lab's shape: its units, each running the same five services.
///
/// `lab up --units` chooses the units (two or more); `lab.json` records them so `down`, `status`
/// and `restart-service` see the same shape. Every unit replicates its orders to every other unit.
public struct LabLayout: Sendable, Hashable {
    /// The units, in the order their ports are numbered (the first N+10.., the second N+20.., ...).
    public let units: [String]

    /// Today's lab and the articles': beijing and hangzhou.
    public static let standard = LabLayout(checked: ["beijing", "hangzhou"])

    /// The most units one lab runs: each is ten processes (five servers, five supervisors), and the
    /// fixed port layout gives each unit ten ports.
    public static let maximumUnits = 9

    /// The longest unit name: it is part of service names, file names and network namespace names.
    public static let maximumNameLength = 20

    /// A layout of `units`, checked: two to `maximumUnits` distinct names of lowercase letters,
    /// digits and inner hyphens that start with a letter, so each is usable in a service name, a
    /// file name, a YAML key and a network namespace's name.
    public init(units: [String]) throws(LabError) {
        guard units.count >= 2, units.count <= Self.maximumUnits else {
            throw .invalidUnits(
                "a lab needs 2 to \(Self.maximumUnits) units, not \(units.count) (\(units.joined(separator: ",")))")
        }
        for unit in units {
            if let problem = Self.problem(withName: unit) { throw .invalidUnits(problem) }
        }
        if let repeated = units.first(where: { unit in units.filter { $0 == unit }.count > 1 }) {
            throw .invalidUnits("unit '\(repeated)' is listed twice; give each unit once")
        }
        self.units = units
    }

    private init(checked units: [String]) {
        self.units = units
    }

    /// Why `name` cannot be a unit's name, or nil when it can.
    static func problem(withName name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), allowed, !name.hasSuffix("-"),
            name.count <= maximumNameLength
        else {
            return "unit name '\(name)' is not usable: use up to \(maximumNameLength) lowercase letters, digits and "
                + "hyphens, starting with a letter and not ending with a hyphen (e.g. shenzhen, us-east-1)"
        }
        return nil
    }

    /// The services every unit runs, in start order: dependencies, the fault proxy in front of
    /// them, the storefront that calls them through it, then the order service.
    public static let unitRoles: [LabRole] = [.product, .cart, .faultProxy, .storefront, .order]

    /// The dependencies of a unit's storefront, each reached through a proxy of that name in the
    /// unit's fault proxy.
    public static let proxiedRoles: [LabRole] = [.product, .cart]

    /// The other units, the ones `unit` replicates its orders to and catches up from, in layout order.
    public func peers(of unit: String) -> [String] { units.filter { $0 != unit } }

    /// Every service name of the lab, in start order: control plane, unit services, gateway.
    public var serviceNames: [String] {
        [LabRole.controlPlane.rawValue]
            + units.flatMap { unit in Self.unitRoles.map { $0.serviceName(unit: unit) } }
            + [LabRole.gateway.rawValue]
    }
}
