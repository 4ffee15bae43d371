/// How the faults went in: the preparation before the first effecting action, that action, the proofs.
public struct InjectRecord: Sendable, Hashable, Codable {
    /// From the start of the inject phase to the first fault's effecting action (process lookups,
    /// guards, the ledger write, the watchdog): time that is not part of the RTO.
    public var prepareMs: Double
    /// How long the first fault's effecting action took (a `kill` spawned, a rule committed): the
    /// uncertainty of `timeline.fault`.
    public var effectMs: Double?
    /// From the first fault's effecting action until every fault was proven in effect.
    public var proveMs: Double?

    public init(prepareMs: Double, effectMs: Double?, proveMs: Double?) {
        self.prepareMs = prepareMs
        self.effectMs = effectMs
        self.proveMs = proveMs
    }

    enum CodingKeys: String, CodingKey { case prepareMs = "prepare_ms", effectMs = "effect_ms", proveMs = "prove_ms" }
}
