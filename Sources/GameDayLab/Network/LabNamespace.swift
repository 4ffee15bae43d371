import Foundation

/// One unit's network namespace: its name, the veth pair that links it to the host, and the
/// /30 both ends share; and its ends of the links to every other unit's namespace, which the
/// order services replicate over (the host does not forward between the namespaces).
///
/// ```
/// host: gd1a2b3c4db0 10.233.1.1/30  <-veth->  gameday-1a2b3c4d-beijing: gd1a2b3c4db1 10.233.1.2/30, lo
/// gameday-1a2b3c4d-beijing: gd1a2b3c4dbh 10.234.0.1/30  <-veth->  gameday-1a2b3c4d-hangzhou: gd1a2b3c4dhb 10.234.0.2/30
/// ```
public struct LabNamespace: Sendable, Hashable, Codable {
    /// This unit's end of the link to another unit's namespace.
    public struct Link: Sendable, Hashable, Codable {
        /// The unit at the other end.
        public var peer: String
        /// `gd<lab id><this unit's tag><the peer's tag>`.
        public var interface: String
        /// This end's address on the link's /30 of 10.234.0.0/16: where `peer`'s order service
        /// reaches this unit's.
        public var address: String
    }

    public var unit: String
    /// `gameday-<lab id>-<unit>`.
    public var name: String
    /// The veth end in the root namespace, `gd<lab id><unit's tag>0`.
    public var hostInterface: String
    /// The veth end inside the namespace, `gd<lab id><unit's tag>1`.
    public var namespaceInterface: String
    /// The first usable address of the unit's /30, `10.233.X.Y+1` (see `plan`).
    public var hostAddress: String
    /// The second, `10.233.X.Y+2`: where the gateway, the health checks and the runner reach the
    /// unit's services.
    public var namespaceAddress: String
    public var prefixLength: Int
    /// `10.233.X.Y/30`.
    public var subnet: String
    /// Its ends of the links to every other unit, in layout order; nil in a lab.json written
    /// before units were linked pairwise.
    public var links: [Link]?

    enum CodingKeys: String, CodingKey {
        case unit, name
        case hostInterface = "host_interface"
        case namespaceInterface = "namespace_interface"
        case hostAddress = "host_address"
        case namespaceAddress = "namespace_address"
        case prefixLength = "prefix_length"
        case subnet, links
    }

    /// Its end of the link to `peer`.
    public func link(to peer: String) -> Link? { links?.first { $0.peer == peer } }

    /// The namespaces of the lab in `runDirectory`, one per unit. Names come from the run directory
    /// and the units alone, so `lab down` finds a crashed lab's namespaces without its lab.json.
    ///
    /// Each lab gets its own N adjacent /30s of 10.233.0.0/16, the first for the first unit, at a
    /// place (one of 16384 / N) taken from the lab id: labs of different run directories (tests run
    /// side by side) then rarely claim the same subnet, and `lab up` refuses when they do.
    /// Each pair of units gets a link with its own /30 of 10.234.0.0/16; those addresses exist only
    /// inside the two namespaces, so they cannot clash with the host's or another lab's.
    ///
    /// A unit's tag in interface names is its first letter, or, when two units share one, a letter
    /// by its place in the layout (a, b, c, ...): interface names stay within the kernel's 15
    /// characters either way.
    public static func plan(runDirectory: String, units: [String] = LabLayout.standard.units) -> [LabNamespace] {
        let id = labID(runDirectory: runDirectory)
        let places = max(1, 16384 / max(1, units.count))
        let place = Int(UInt32(id, radix: 16)! % UInt32(places))
        let firstLetters = units.map { $0.first.map(String.init)?.lowercased() ?? "u" }
        let tags =
            Set(firstLetters).count == units.count
            ? firstLetters : units.indices.map { String(UnicodeScalar(UInt8(97 + $0 % 26))) }
        var links: [String: [Link]] = [:]
        var linkIndex = 0
        for (i, a) in units.enumerated() {
            for (j, b) in units.enumerated() where j > i {
                let network = linkIndex * 4
                let prefix = "10.234.\(network / 256)."
                links[a, default: []].append(
                    Link(peer: b, interface: "gd\(id)\(tags[i])\(tags[j])", address: prefix + "\(network % 256 + 1)"))
                links[b, default: []].append(
                    Link(peer: a, interface: "gd\(id)\(tags[j])\(tags[i])", address: prefix + "\(network % 256 + 2)"))
                linkIndex += 1
            }
        }
        return units.enumerated().map { index, unit in
            let network = (units.count * place + index) * 4
            let prefix = "10.233.\(network / 256)."
            let first = network % 256
            let ordered = units.compactMap { peer in links[unit]?.first { $0.peer == peer } }
            return LabNamespace(
                unit: unit, name: "gameday-\(id)-\(unit)", hostInterface: "gd\(id)\(tags[index])0",
                namespaceInterface: "gd\(id)\(tags[index])1", hostAddress: prefix + "\(first + 1)",
                namespaceAddress: prefix + "\(first + 2)", prefixLength: 30, subnet: prefix + "\(first)/30",
                links: ordered)
        }
    }

    /// The units whose namespaces of the lab in `runDirectory` exist now (under /run/netns), so
    /// `lab down` removes them even when lab.json does not list them.
    public static func existingUnits(runDirectory: String) -> [String] {
        let prefix = "gameday-\(labID(runDirectory: runDirectory))-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        return names.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.sorted()
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
