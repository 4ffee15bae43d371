import GameDayCore

/// A routing rule with its version, as `GET /v1/rules` and `PUT /internal/rules` carry it:
/// `{"version":2,"key":"userId","model":"modulo","modulo":10000,"ranges":[...],"overrides":{"6000":"hangzhou"}}`
/// (the rule's JSON form, `RoutingRule+Coding.swift`, with the version beside it).
public struct RuleDocument: Sendable, Hashable, Codable {
    public var version: Int
    public var rule: RoutingRule

    public init(version: Int, rule: RoutingRule) {
        self.version = version
        self.rule = rule
    }

    enum CodingKeys: String, CodingKey {
        case version
    }

    // The rule's own fields sit beside `version` in one object.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        rule = try RoutingRule(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try rule.encode(to: encoder)
    }
}
