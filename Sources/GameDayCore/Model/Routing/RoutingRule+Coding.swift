// The JSON form of a rule, as the lab's control plane publishes it and result files could carry
// it: flat and readable, with empty parts left out, so an AppActive rule reads as it always did:
// `{"key":"userId","modulo":10000,"ranges":[{"from":0,"to":4999,"unit":"hangzhou"}],"overrides":{}}`.

extension RoutingRule {
    enum CodingKeys: String, CodingKey {
        case key, model, hash, modulo, ranges, fences, matches, fallback, shards, overrides
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decodeIfPresent(String.self, forKey: .model) ?? "modulo"
        let model: RoutingModel
        switch name {
        case "modulo": model = .modulo
        case "hash": model = .hash(try c.decodeIfPresent(KeyHash.self, forKey: .hash) ?? .crc32)
        case "geo": model = .geo
        case "regex": model = .match(business: false)
        case "business": model = .match(business: true)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .model, in: c, debugDescription: "unknown routing model '\(name)'")
        }
        self.init(
            key: try c.decodeIfPresent(String.self, forKey: .key) ?? "userId", model: model,
            modulo: try c.decodeIfPresent(Int.self, forKey: .modulo) ?? 10000,
            ranges: try c.decodeIfPresent([RouteRange].self, forKey: .ranges) ?? [],
            fences: try c.decodeIfPresent([GeoFence].self, forKey: .fences) ?? [],
            matches: try c.decodeIfPresent([KeyMatch].self, forKey: .matches) ?? [],
            fallback: try c.decodeIfPresent(RouteDestination.self, forKey: .fallback),
            shards: try c.decodeIfPresent([String: String].self, forKey: .shards) ?? [:],
            overrides: try c.decodeIfPresent([String: String].self, forKey: .overrides) ?? [:])
        if modulo < 1 {
            throw DecodingError.dataCorruptedError(forKey: .modulo, in: c, debugDescription: "modulo must be positive")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(key, forKey: .key)
        switch model {
        case .modulo: try c.encode("modulo", forKey: .model)
        case .hash(let hash):
            try c.encode("hash", forKey: .model)
            try c.encode(hash, forKey: .hash)
        case .geo: try c.encode("geo", forKey: .model)
        case .match(let business): try c.encode(business ? "business" : "regex", forKey: .model)
        }
        if model == .modulo || ranges.count > 0 { try c.encode(modulo, forKey: .modulo) }
        if model == .modulo || ranges.count > 0 { try c.encode(ranges, forKey: .ranges) }
        if !fences.isEmpty { try c.encode(fences, forKey: .fences) }
        if !matches.isEmpty { try c.encode(matches, forKey: .matches) }
        try c.encodeIfPresent(fallback, forKey: .fallback)
        if !shards.isEmpty { try c.encode(shards, forKey: .shards) }
        try c.encode(overrides, forKey: .overrides)
    }
}

extension KeyPattern {
    enum CodingKeys: String, CodingKey {
        case match, prefix, suffix
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try c.decodeIfPresent(String.self, forKey: .match) {
            self.init(nginx: text)
        } else if let text = try c.decodeIfPresent(String.self, forKey: .prefix) {
            self = .prefix(text)
        } else if let text = try c.decodeIfPresent(String.self, forKey: .suffix) {
            self = .suffix(text)
        } else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: c.codingPath, debugDescription: "give match, prefix or suffix"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .exact(let text): try c.encode(text.hasPrefix("~") ? "\\" + text : text, forKey: .match)
        case .regex(let pattern, let caseInsensitive):
            try c.encode((caseInsensitive ? "~*" : "~") + pattern, forKey: .match)
        case .prefix(let text): try c.encode(text, forKey: .prefix)
        case .suffix(let text): try c.encode(text, forKey: .suffix)
        }
    }
}
