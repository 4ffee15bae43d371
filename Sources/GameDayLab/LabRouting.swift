import GameDayCore

/// The routing model a lab's gateway routes by (`lab up --routing`), each from a source article.
public enum LabRoutingModel: String, Sendable, Hashable, Codable, CaseIterable {
    /// Alibaba's AppActive/MSHA rule: `userId % 10000` in ranges, one per unit (the default).
    case modulo
    /// User-hash sharding: CRC-32 of the member id modulo 64 slots, eight shards of eight slots,
    /// a shard table assigning the shards to the units.
    case hash
    /// Ele.me's geographic fences: the key is a location, two fences per unit, each a shard.
    case geo
    /// An nginx `map` on the user id's tail digits, with a default unit.
    case regex
}

/// The routing rule a new lab starts with (and cuts back to).
public enum LabRouting {
    /// The rule of `model` over `units`:
    /// - modulo: `userId % 10000` split into as many even ranges as there are units, the first unit
    ///   taking the top range (beijing, hangzhou give the articles' `0~4999 → hangzhou, 5000~9999 →
    ///   beijing`, `RoutingRule.storefront`).
    /// - hash: `crc32(memberId) % 64` in eight ranges, shards `s0`…`s7`, handed to the units in turn
    ///   (s0 to the first unit, s1 to the second…).
    /// - geo: `location` in two fences per unit, strips of lat 20~44 side by side from lng 100 on,
    ///   each 2 degrees wide with a slanted border; a point in no fence goes to the first unit.
    /// - regex: the article's `~([5-9][0-9]{3})$ → beijing`, default hangzhou, for those two units;
    ///   for others, the tail digit split among the units in order, the first taking keys that do
    ///   not end in a digit.
    public static func baseline(units: [String], model: LabRoutingModel = .modulo) -> RoutingRule {
        guard !units.isEmpty else { return RoutingRule(modulo: 10000, ranges: []) }
        switch model {
        case .modulo: return modulo(units)
        case .hash: return hash(units)
        case .geo: return geo(units)
        case .regex: return regex(units)
        }
    }

    private static func modulo(_ units: [String]) -> RoutingRule {
        let modulo = 10000
        let size = modulo / units.count
        let remainder = modulo % units.count
        var ranges: [RouteRange] = []
        var from = 0
        for (index, unit) in units.reversed().enumerated() {
            let to = from + size + (index < remainder ? 1 : 0) - 1
            ranges.append(RouteRange(from: from, to: to, unit: unit))
            from = to + 1
        }
        return RoutingRule(modulo: modulo, ranges: ranges)
    }

    private static func hash(_ units: [String]) -> RoutingRule {
        let shards = max(8, units.count)
        let slots = 64
        var rule = RoutingRule(key: "memberId", model: .hash(.crc32), modulo: slots)
        for index in 0..<shards {
            let name = "s\(index)"
            rule.ranges.append(
                RouteRange(
                    from: index * slots / shards, to: (index + 1) * slots / shards - 1, destination: .shard(name)))
            rule.shards[name] = units[index % units.count]
        }
        return rule
    }

    private static func geo(_ units: [String]) -> RoutingRule {
        var rule = RoutingRule(key: "location", model: .geo, fallback: .unit(units[0]))
        // Strips side by side; each border slants by half a degree so the fences are not rectangles.
        func border(_ index: Int) -> (south: GeoPoint, north: GeoPoint) {
            let lng = 100.0 + 2.0 * Double(index)
            return (GeoPoint(lat: 20, lng: lng), GeoPoint(lat: 44, lng: lng + 0.5))
        }
        for (index, unit) in units.enumerated() {
            for (part, side) in ["west", "east"].enumerated() {
                let strip = 2 * index + part
                let (sw, nw) = border(strip)
                let (se, ne) = border(strip + 1)
                let name = "\(unit)-\(side)"
                rule.fences.append(GeoFence(name: name, polygon: [sw, se, ne, nw]))
                rule.shards[name] = unit
            }
        }
        return rule
    }

    private static func regex(_ units: [String]) -> RoutingRule {
        var rule = RoutingRule(model: .match(business: false))
        if units == ["beijing", "hangzhou"] {
            rule.matches = [
                KeyMatch(pattern: .regex("([5-9][0-9]{3})$", caseInsensitive: false), destination: .unit("beijing"))
            ]
            rule.fallback = .unit("hangzhou")
            return rule
        }
        // The tail digit split among the units in order; a key not ending in a digit goes to the first.
        for (index, unit) in units.enumerated() {
            let low = index * 10 / units.count
            let high = (index + 1) * 10 / units.count - 1
            guard low <= high else { continue }
            rule.matches.append(
                KeyMatch(pattern: .regex("[\(low)-\(high)]$", caseInsensitive: false), destination: .unit(unit)))
        }
        rule.fallback = .unit(units[0])
        return rule
    }
}
