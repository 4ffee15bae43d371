import Foundation

/// The unit an answer names, or why it names none.
public enum UnitReading: Sendable, Hashable {
    case unit(String)
    /// Why there is no unit: `no X-Unit header`, `no unit: the body is not JSON`, `no unit at /unit`.
    case missing(String)

    public var unit: String? {
        if case .unit(let unit) = self { return unit }
        return nil
    }

    /// Why there is no unit; nil when there is one.
    public var problem: String? {
        if case .missing(let problem) = self { return problem }
        return nil
    }
}

extension UnitSource {
    /// The unit `response` names. The body is parsed only for a `.body` source, and then once:
    /// probes come by the thousand a second.
    public func read(_ response: HTTPResponse) -> UnitReading {
        switch self {
        case .header(let name):
            guard let unit = response.header(name) else { return .missing("no \(name) header") }
            return .unit(unit)
        case .body(let pointer):
            return Self.read(pointer, in: response.body)
        }
    }

    /// The text at `pointer` in the JSON `body`: a string, or a number as written in JSON terms.
    static func read(_ pointer: JSONPointer, in body: [UInt8]) -> UnitReading {
        guard !body.isEmpty,
            let document = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        else { return .missing("no unit: the body is not JSON") }
        let place = pointer.text.isEmpty ? "the top of the body" : pointer.text
        guard let value = pointer.value(in: document), !(value is NSNull) else {
            return .missing("no unit at \(place)")
        }
        if let text = value as? String { return .unit(text) }
        if let number = value as? NSNumber, !Self.isBoolean(number) { return .unit(number.stringValue) }
        return .missing("no unit at \(place): \(Self.kind(of: value))")
    }

    /// `JSONSerialization` gives `true` and `false` as `NSNumber`s too; a unit is never one.
    private static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    private static func kind(of value: Any) -> String {
        switch value {
        case is [String: Any]: "an object, not text"
        case is [Any]: "a list, not text"
        default: "true or false, not text"
        }
    }
}
