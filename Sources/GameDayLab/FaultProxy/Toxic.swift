/// One toxic on a proxy, encoded as Toxiproxy encodes it:
/// `{"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1,"attributes":{"latency":300,"jitter":0}}`.
struct Toxic: Sendable, Hashable, Encodable {
    /// Unique within its proxy; defaults to `<type>_<stream>`.
    var name: String
    var kind: ToxicKind
    var stream: ToxicStream
    /// The probability that the toxic acts on a connection, decided once per connection.
    var toxicity: Double
    /// Tells this toxic apart from an earlier one of the same name, so a connection rolls the dice
    /// for it once and keeps its timers across updates. Not part of the JSON.
    var id: UInt64

    enum CodingKeys: String, CodingKey {
        case name, type, stream, toxicity, attributes
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind.typeName, forKey: .type)
        try c.encode(stream, forKey: .stream)
        try c.encode(toxicity, forKey: .toxicity)
        try c.encode(kind.attributes, forKey: .attributes)
    }
}
