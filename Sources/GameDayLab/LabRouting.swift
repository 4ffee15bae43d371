import GameDayCore

/// The routing rule a new lab starts with (and cuts back to).
///
/// One function on purpose: the routing model is being rewritten (string keys, slots, shards), and
/// whatever replaces `RoutingRule` only has to replace this.
public enum LabRouting {
    /// `userId % 10000` split into as many even ranges as there are units, the first unit taking
    /// the top range and each next one the range below, remainders going to the lower ranges; the
    /// ranges are listed from 0 up. Two units beijing, hangzhou give the articles' rule,
    /// `0~4999 → hangzhou, 5000~9999 → beijing` (`RoutingRule.storefront`); beijing, hangzhou,
    /// shenzhen give `0~3333 → shenzhen, 3334~6666 → hangzhou, 6667~9999 → beijing`.
    public static func baseline(units: [String]) -> RoutingRule {
        let modulo = 10000
        guard !units.isEmpty else { return RoutingRule(modulo: modulo, ranges: []) }
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
}
