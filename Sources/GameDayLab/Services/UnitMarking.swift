/// Where the gateway names the unit that served a request (`lab up --unit-in`).
public enum UnitMarking: String, Sendable, Hashable, Codable, CaseIterable {
    /// The `X-Unit` response header only, as the lab did before.
    case header
    /// A top-level `"unit"` field of the JSON body only; no `X-Unit` header. For drilling a runner
    /// against systems that name the unit in the body.
    case body
    /// Both (the default).
    case both

    /// Whether the gateway sets `X-Unit`.
    public var inHeader: Bool { self != .body }
    /// Whether the gateway makes sure the JSON body carries `"unit"`.
    public var inBody: Bool { self != .header }
}
