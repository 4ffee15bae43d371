/// Where an answer names the unit that served it (`probe.unit_from` in a drill).
public enum UnitSource: Sendable, Hashable, CustomStringConvertible {
    /// `{ header: X-Unit }`, or its short form `unit_header: X-Unit`.
    case header(String)
    /// `{ body: /unit }`: a JSON Pointer into the JSON answer.
    case body(JSONPointer)

    /// `X-Unit`, as drills had it before `unit_from`.
    public static let standard = UnitSource.header("X-Unit")

    /// `the X-Unit header`, `/data/unit of the JSON body`: for messages and `gameday plan`.
    public var description: String {
        switch self {
        case .header(let name): "the \(name) header"
        case .body(let pointer) where pointer.text.isEmpty: "the JSON body itself"
        case .body(let pointer): "\(pointer) of the JSON body"
        }
    }
}
