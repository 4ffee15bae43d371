/// What a toxic does to the bytes that pass it, with its attributes: Toxiproxy's `type` and
/// `attributes` for the four toxics the lab implements.
///
/// Times are `Duration`s here and whole milliseconds in JSON, rates KB/s (1 KB = 1000 bytes), as
/// Toxiproxy spells them.
enum ToxicKind: Sendable, Hashable {
    /// Every chunk is held for `latency` ± a random `jitter` after it arrived.
    case latency(latency: Duration, jitter: Duration)
    /// No data gets through; the connection is closed after `timeout`, or held open while the toxic
    /// lasts when `timeout` is zero.
    case timeout(Duration)
    /// Data is paced to `rate` KB/s.
    case bandwidth(rate: Int64)
    /// The connection is reset (TCP RST) `timeout` after the first data arrives.
    case resetPeer(timeout: Duration)

    /// The `type` values this proxy accepts.
    static let typeNames = ["latency", "timeout", "bandwidth", "reset_peer"]

    /// Toxiproxy's `type`.
    var typeName: String {
        switch self {
        case .latency: "latency"
        case .timeout: "timeout"
        case .bandwidth: "bandwidth"
        case .resetPeer: "reset_peer"
        }
    }

    /// Toxiproxy's `attributes`, in whole milliseconds and KB/s.
    var attributes: [String: Int64] {
        switch self {
        case .latency(let latency, let jitter):
            ["latency": latency.wholeMilliseconds, "jitter": jitter.wholeMilliseconds]
        case .timeout(let timeout): ["timeout": timeout.wholeMilliseconds]
        case .bandwidth(let rate): ["rate": rate]
        case .resetPeer(let timeout): ["timeout": timeout.wholeMilliseconds]
        }
    }

    /// A toxic of `type` with the given attributes; a missing attribute is 0, as in Toxiproxy.
    /// Nil for a type this proxy does not implement.
    init?(type: String, attributes: [String: Int64]) {
        let milliseconds = { (key: String) in Duration.milliseconds(attributes[key] ?? 0) }
        switch type {
        case "latency": self = .latency(latency: milliseconds("latency"), jitter: milliseconds("jitter"))
        case "timeout": self = .timeout(milliseconds("timeout"))
        case "bandwidth": self = .bandwidth(rate: attributes["rate"] ?? 0)
        case "reset_peer": self = .resetPeer(timeout: milliseconds("timeout"))
        default: return nil
        }
    }

    /// The same toxic with some attributes replaced, as an update (`POST .../toxics/{toxic}`) does.
    func updating(_ changes: [String: Int64]) -> ToxicKind {
        ToxicKind(type: typeName, attributes: attributes.merging(changes) { $1 }) ?? self
    }

    /// Why these attributes cannot work, or nil when they can.
    var problem: String? {
        if let negative = attributes.sorted(by: { $0.key < $1.key }).first(where: { $0.value < 0 }) {
            return "attribute '\(negative.key)' must not be negative, not \(negative.value)"
        }
        if case .bandwidth(let rate) = self, rate == 0 {
            // Toxiproxy would stall such a link for ever; say so instead.
            return "attribute 'rate' must be at least 1 (KB/s)"
        }
        return nil
    }
}

extension Duration {
    /// This duration in whole milliseconds, as Toxiproxy's attributes carry times.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
