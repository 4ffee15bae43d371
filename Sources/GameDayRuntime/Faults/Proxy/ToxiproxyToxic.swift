/// A toxic as Toxiproxy's API spells it:
/// `{"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1,"attributes":{"latency":300,"jitter":0}}`.
public struct ToxiproxyToxic: Sendable, Hashable, Codable {
    /// Which way through the proxy the toxic acts.
    public enum Stream: String, Sendable, Hashable, Codable {
        /// Client → server: requests.
        case upstream
        /// Server → client: responses. Toxiproxy's default.
        case downstream
    }

    /// Unique within its proxy.
    public var name: String
    /// `latency`, `timeout`, `bandwidth`, `reset_peer`, or any other type the server knows.
    public var type: String
    public var stream: Stream
    /// The probability (0...1) that the toxic acts on a connection.
    public var toxicity: Double
    /// The type's attributes: times in milliseconds, rates in KB/s. Only whole numbers are kept
    /// when reading, as every attribute of Toxiproxy's built-in toxics is one.
    public var attributes: [String: Int64]

    /// A toxic named `name`, or `<type>_<stream>` as Toxiproxy names it when no name is given.
    public init(
        name: String? = nil, type: String, stream: Stream = .downstream, toxicity: Double = 1,
        attributes: [String: Int64] = [:]
    ) {
        self.name = name ?? "\(type)_\(stream.rawValue)"
        self.type = type
        self.stream = stream
        self.toxicity = toxicity
        self.attributes = attributes
    }

    // MARK: - The built-in toxics

    /// Holds data for `latency` ± a random `jitter`.
    public static func latency(
        _ latency: Duration, jitter: Duration = .zero, name: String? = nil, stream: Stream = .downstream,
        toxicity: Double = 1
    ) -> ToxiproxyToxic {
        ToxiproxyToxic(
            name: name, type: "latency", stream: stream, toxicity: toxicity,
            attributes: ["latency": wholeMilliseconds(latency), "jitter": wholeMilliseconds(jitter)])
    }

    /// Lets no data through and closes the connection after `timeout`; zero holds it open while
    /// the toxic lasts.
    public static func timeout(
        _ timeout: Duration, name: String? = nil, stream: Stream = .downstream, toxicity: Double = 1
    ) -> ToxiproxyToxic {
        ToxiproxyToxic(
            name: name, type: "timeout", stream: stream, toxicity: toxicity,
            attributes: ["timeout": wholeMilliseconds(timeout)])
    }

    /// Limits throughput to `kilobytesPerSecond` (1 KB = 1000 bytes).
    public static func bandwidth(
        kilobytesPerSecond: Int64, name: String? = nil, stream: Stream = .downstream, toxicity: Double = 1
    ) -> ToxiproxyToxic {
        ToxiproxyToxic(
            name: name, type: "bandwidth", stream: stream, toxicity: toxicity,
            attributes: ["rate": kilobytesPerSecond])
    }

    /// Resets the connection (TCP RST) `timeout` after data arrives.
    public static func resetPeer(
        after timeout: Duration = .zero, name: String? = nil, stream: Stream = .downstream, toxicity: Double = 1
    ) -> ToxiproxyToxic {
        ToxiproxyToxic(
            name: name, type: "reset_peer", stream: stream, toxicity: toxicity,
            attributes: ["timeout": wholeMilliseconds(timeout)])
    }

    private static func wholeMilliseconds(_ duration: Duration) -> Int64 {
        Int64(duration.milliseconds.rounded())
    }

    // MARK: - Codable

    enum CodingKeys: String, CodingKey {
        case name, type, stream, toxicity, attributes
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decode(String.self, forKey: .type)
        stream = try c.decodeIfPresent(Stream.self, forKey: .stream) ?? .downstream
        toxicity = try c.decodeIfPresent(Double.self, forKey: .toxicity) ?? 1
        attributes = [:]
        // Attributes of toxics this client does not know may be strings or objects: skip them
        // rather than fail to list a proxy that carries such a toxic.
        if let values = try? c.nestedContainer(keyedBy: AttributeKey.self, forKey: .attributes) {
            for key in values.allKeys {
                if let whole = try? values.decode(Int64.self, forKey: key) {
                    attributes[key.stringValue] = whole
                } else if let number = try? values.decode(Double.self, forKey: key), number == number.rounded(),
                    abs(number) < 9e15
                {
                    attributes[key.stringValue] = Int64(number)
                }
            }
        }
    }

    private struct AttributeKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
