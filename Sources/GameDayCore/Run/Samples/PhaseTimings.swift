/// The timings of one group's probes sent during one phase.
public struct PhaseTimings: Sendable, Hashable, Codable {
    /// Nil for probes sent before the first phase began (`before-start` in the result).
    public var phase: RunPhase?
    public var timings: TimingSummary

    enum CodingKeys: String, CodingKey { case phase, timings }

    /// The result's name for the time before the first phase.
    static let beforeStart = "before-start"

    init(phase: RunPhase?, timings: TimingSummary) {
        self.phase = phase
        self.timings = timings
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .phase)
        if name == Self.beforeStart {
            phase = nil
        } else if let phase = RunPhase(rawValue: name) {
            self.phase = phase
        } else {
            throw DecodingError.dataCorruptedError(
                forKey: .phase, in: c, debugDescription: "'\(name)' is no phase of a run, nor \(Self.beforeStart)")
        }
        timings = try c.decode(TimingSummary.self, forKey: .timings)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(phase?.rawValue ?? Self.beforeStart, forKey: .phase)
        try c.encode(timings, forKey: .timings)
    }
}
