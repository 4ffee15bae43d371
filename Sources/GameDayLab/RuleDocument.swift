import GameDayCore

/// A routing rule with its version, as `GET /v1/rules` and `PUT /internal/rules` carry it:
/// `{"version":2,"key":"userId","modulo":10000,"ranges":[...],"overrides":{"6000":"hangzhou"}}`.
public struct RuleDocument: Sendable, Hashable, Codable {
    public var version: Int
    public var rule: RoutingRule

    public init(version: Int, rule: RoutingRule) {
        self.version = version
        self.rule = rule
    }

    enum CodingKeys: String, CodingKey {
        case version, key, modulo, ranges, overrides
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        let overrides = try c.decodeIfPresent([String: String].self, forKey: .overrides) ?? [:]
        var byUser: [Int: String] = [:]
        for (user, unit) in overrides {
            guard let id = Int(user) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .overrides, in: c, debugDescription: "override key '\(user)' is not an integer")
            }
            byUser[id] = unit
        }
        rule = RoutingRule(
            key: try c.decode(String.self, forKey: .key),
            modulo: try c.decode(Int.self, forKey: .modulo),
            ranges: try c.decode([RouteRange].self, forKey: .ranges),
            overrides: byUser)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(rule.key, forKey: .key)
        try c.encode(rule.modulo, forKey: .modulo)
        try c.encode(rule.ranges, forKey: .ranges)
        // String keys spelled out so the JSON does not depend on how Dictionary encodes Int keys.
        try c.encode(
            Dictionary(uniqueKeysWithValues: rule.overrides.map { (String($0.key), $0.value) }), forKey: .overrides)
    }
}
