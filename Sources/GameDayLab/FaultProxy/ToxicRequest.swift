/// The body of `POST /proxies/{proxy}/toxics` (create) and `POST /proxies/{proxy}/toxics/{toxic}`
/// (update): `{"name":"slow","type":"latency","stream":"downstream","toxicity":1,"attributes":{"latency":300}}`.
struct ToxicRequest: Decodable, Sendable, Hashable {
    var name: String?
    var type: String?
    var stream: String?
    var toxicity: Double?
    var attributes: [String: Int64]?

    enum CodingKeys: String, CodingKey {
        case name, type, stream, toxicity, attributes
    }

    init(
        name: String? = nil, type: String? = nil, stream: String? = nil, toxicity: Double? = nil,
        attributes: [String: Int64]? = nil
    ) {
        self.name = name
        self.type = type
        self.stream = stream
        self.toxicity = toxicity
        self.attributes = attributes
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        stream = try c.decodeIfPresent(String.self, forKey: .stream)
        toxicity = try c.decodeIfPresent(Double.self, forKey: .toxicity)
        if c.contains(.attributes), try !c.decodeNil(forKey: .attributes) {
            attributes = try Self.attributes(c.nestedContainer(keyedBy: AnyCodingKey.self, forKey: .attributes))
        }
    }

    /// Whole numbers, as Toxiproxy's attributes are; `300.0` counts as 300. Attributes of other
    /// toxics' types are ignored like Toxiproxy ignores unknown fields, unless they are numbers.
    private static func attributes(_ c: KeyedDecodingContainer<AnyCodingKey>) throws -> [String: Int64] {
        var values: [String: Int64] = [:]
        for key in c.allKeys {
            if let whole = try? c.decode(Int64.self, forKey: key) {
                values[key.stringValue] = whole
            } else if let number = try? c.decode(Double.self, forKey: key) {
                guard number == number.rounded(), abs(number) < 9e15 else {
                    throw DecodingError.dataCorruptedError(
                        forKey: key, in: c, debugDescription: "must be a whole number, not \(number)")
                }
                values[key.stringValue] = Int64(number)
            } else if ["latency", "jitter", "timeout", "rate"].contains(key.stringValue) {
                throw DecodingError.typeMismatch(
                    Int64.self, .init(codingPath: c.codingPath + [key], debugDescription: "not a number"))
            }
        }
        return values
    }

    static func decode(_ body: [UInt8]) throws(FaultProxyAPIError) -> ToxicRequest {
        try RequestBody.decode(ToxicRequest.self, from: body)
    }

    /// The new toxic this request describes, checked as Toxiproxy checks it and in its order:
    /// stream, name, type, duplicate name, attributes.
    func toxic(id: UInt64, existing: [Toxic]) throws(FaultProxyAPIError) -> Toxic {
        let stream: ToxicStream
        if let given = self.stream {
            guard let parsed = ToxicStream(rawValue: given) else { throw .invalidStream }
            stream = parsed
        } else {
            stream = .downstream
        }
        let type = self.type ?? ""
        let name = (self.name ?? "").isEmpty ? "\(type)_\(stream.rawValue)" : self.name!
        guard let kind = ToxicKind(type: type, attributes: attributes ?? [:]) else { throw .invalidToxicType(type) }
        if existing.contains(where: { $0.name == name }) { throw .toxicAlreadyExists }
        let toxic = Toxic(name: name, kind: kind, stream: stream, toxicity: toxicity ?? 1, id: id)
        try Self.check(toxic)
        return toxic
    }

    /// `toxic` with this request's attributes and toxicity; name, type and stream stay, as in Toxiproxy.
    func updating(_ toxic: Toxic) throws(FaultProxyAPIError) -> Toxic {
        var updated = toxic
        updated.kind = toxic.kind.updating(attributes ?? [:])
        updated.toxicity = toxicity ?? toxic.toxicity
        try Self.check(updated)
        return updated
    }

    private static func check(_ toxic: Toxic) throws(FaultProxyAPIError) {
        guard (0...1).contains(toxic.toxicity) else {
            throw .badRequestBody("'toxicity' must be between 0 and 1, not \(toxic.toxicity)")
        }
        if let problem = toxic.kind.problem { throw .badRequestBody(problem) }
    }
}
