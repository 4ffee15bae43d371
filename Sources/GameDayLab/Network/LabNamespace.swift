/// One unit's network namespace: its name, the veth pair that links it to the host, and the
/// /30 both ends share; and its end of the link between the two units' namespaces, which the
/// order services replicate over (the host does not forward between the namespaces).
///
/// ```
/// host: gd1a2b3c4db0 10.233.1.1/30  <-veth->  gameday-1a2b3c4d-beijing: gd1a2b3c4db1 10.233.1.2/30, lo
/// gameday-1a2b3c4d-beijing: gd1a2b3c4db2 10.234.0.1/30  <-veth->  gameday-1a2b3c4d-hangzhou: gd1a2b3c4dh2 10.234.0.2/30
/// ```
public struct LabNamespace: Sendable, Hashable, Codable {
    public var unit: String
    /// `gameday-<lab id>-<unit>`.
    public var name: String
    /// The veth end in the root namespace, `gd<lab id><first letter of unit>0`.
    public var hostInterface: String
    /// The veth end inside the namespace, `gd<lab id><first letter of unit>1`.
    public var namespaceInterface: String
    /// The first usable address of the unit's /30, `10.233.X.Y+1` (see `plan`).
    public var hostAddress: String
    /// The second, `10.233.X.Y+2`: where the gateway, the health checks and the runner reach the
    /// unit's services.
    public var namespaceAddress: String
    public var prefixLength: Int
    /// `10.233.X.Y/30`.
    public var subnet: String
    /// This unit's end of the link between the units' namespaces, `gd<lab id><first letter>2`;
    /// nil in a lab.json written before the link existed.
    public var linkInterface: String?
    /// Its address on the link's /30 of 10.234.0.0/16 (the first unit `.1`, the second `.2`): where
    /// the other unit's order service reaches this one.
    public var linkAddress: String?

    enum CodingKeys: String, CodingKey {
        case unit, name
        case hostInterface = "host_interface"
        case namespaceInterface = "namespace_interface"
        case hostAddress = "host_address"
        case namespaceAddress = "namespace_address"
        case prefixLength = "prefix_length"
        case subnet
        case linkInterface = "link_interface"
        case linkAddress = "link_address"
    }

    /// The namespaces of the lab in `runDirectory`, one per unit of the layout. Names come from
    /// the run directory alone, so `lab down` finds a crashed lab's namespaces without its lab.json.
    ///
    /// Each lab gets its own two adjacent /30s of 10.233.0.0/16, the first for the first unit, at a
    /// place (one of 8192) taken from the lab id: labs of different run directories (tests run side
    /// by side) then rarely claim the same subnet, and `lab up` refuses when they do.
    public static func plan(runDirectory: String, units: [String] = LabLayout.units) -> [LabNamespace] {
        let id = labID(runDirectory: runDirectory)
        let pair = Int(UInt32(id, radix: 16)! % 8192)
        return units.enumerated().map { index, unit in
            let letter = unit.first.map(String.init)?.lowercased() ?? "u"
            let network = (2 * pair + index) * 4
            let prefix = "10.233.\(network / 256)."
            let first = network % 256
            // The link's /30 sits at the lab's place in 10.234.0.0/16; it only exists inside the two
            // namespaces, so it cannot clash with the host's addresses.
            let link = pair * 4
            return LabNamespace(
                unit: unit, name: "gameday-\(id)-\(unit)", hostInterface: "gd\(id)\(letter)0",
                namespaceInterface: "gd\(id)\(letter)1", hostAddress: prefix + "\(first + 1)",
                namespaceAddress: prefix + "\(first + 2)", prefixLength: 30, subnet: prefix + "\(first)/30",
                linkInterface: "gd\(id)\(letter)2", linkAddress: "10.234.\(link / 256).\(link % 256 + 1 + index)")
        }
    }

    /// 8 hex digits of the run directory's FNV-1a hash: short enough that `gd` + id + 2 characters
    /// stays within the kernel's 15-character interface names.
    public static func labID(runDirectory: String) -> String {
        var hash: UInt32 = 0x811c_9dc5
        for byte in runDirectory.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
