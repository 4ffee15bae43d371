import Foundation

/// A place where answers may name the unit that served them, and what each answer names there.
public struct UnitCandidate: Sendable, Hashable {
    public var source: UnitSource
    /// The unit each answer names there, in the order of the answers; nil: none (or not a unit).
    public var readings: [String?]

    /// How many answers name a unit there.
    public var named: Int { readings.count { $0 != nil } }

    /// The units named there, in the order first seen.
    public var units: [String] {
        var seen: [String] = []
        for case let unit? in readings where !seen.contains(unit) { seen.append(unit) }
        return seen
    }
}

/// Finds where a system's answers name the serving unit: a response header or a field of the JSON
/// body whose value is one of the units the operator named, or, when none were named, one whose
/// name says unit, zone, cell, region, site or IDC and whose value looks like a name.
public enum UnitSourceInference {
    /// Words that, in a header's or field's name, suggest it names where the request was served.
    static let hints = ["unit", "zone", "cell", "region", "site", "idc", "datacenter"]
    /// How deep into nested JSON objects a field is looked for.
    static let depth = 3

    /// Every place some answer names a unit, best first: the most answers naming a unit, then
    /// places that name different units for different keys (a header naming the same region for
    /// every key says little about routing), a header before a body field, a shallower field first.
    public static func candidates(in responses: [HTTPResponse], units: [String]?) -> [UnitCandidate] {
        var sources: [UnitSource] = []
        for response in responses {
            for (source, value, name) in places(in: response) where qualifies(value, name: name, units: units) {
                if !sources.contains(source) { sources.append(source) }
            }
        }
        let candidates = sources.map { source in
            UnitCandidate(
                source: source,
                readings: responses.map { response in
                    source.read(response).unit.flatMap { value in
                        qualifies(value, name: source.placeName, units: units) ? value : nil
                    }
                })
        }
        return candidates.enumerated().sorted { a, b in
            rank(a.element, order: a.offset).lexicographicallyPrecedes(rank(b.element, order: b.offset))
        }.map(\.element)
    }

    /// The best place, when any answer names a unit at all.
    public static func best(in responses: [HTTPResponse], units: [String]?) -> UnitCandidate? {
        candidates(in: responses, units: units).first
    }

    // MARK: - Ranking

    private static func rank(_ candidate: UnitCandidate, order: Int) -> [Int] {
        let depth: Int
        switch candidate.source {
        case .header: depth = 0
        case .body(let pointer): depth = pointer.tokens.count
        }
        return [-candidate.named, candidate.units.count > 1 ? 0 : 1, depth, order]
    }

    // MARK: - Places

    /// Each header and each text or number field of the JSON body, with its value and its name.
    static func places(in response: HTTPResponse) -> [(UnitSource, String, String)] {
        var found: [(UnitSource, String, String)] = response.headers.map { (.header($0.name), $0.value, $0.name) }
        guard !response.body.isEmpty,
            let document = try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed]),
            let object = document as? [String: Any]
        else { return found }
        func walk(_ object: [String: Any], tokens: [String]) {
            for key in object.keys.sorted() {
                let path = tokens + [key]
                let value = object[key]
                if let text = value as? String {
                    found.append((.body(pointer(path)), text, key))
                } else if let number = value as? NSNumber, String(cString: number.objCType) != "c" {
                    found.append((.body(pointer(path)), number.stringValue, key))
                } else if let nested = value as? [String: Any], path.count < depth {
                    walk(nested, tokens: path)
                }
            }
        }
        walk(object, tokens: [])
        return found
    }

    /// The JSON Pointer of a field, `~` and `/` in its keys escaped.
    static func pointer(_ tokens: [String]) -> JSONPointer {
        let text = tokens.map {
            "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }
        .joined()
        // Built from escaped tokens, so always a pointer.
        return (try? JSONPointer(text)) ?? JSONPointer.whole
    }

    /// Whether `value`, found under `name`, is a unit: one of `units`, or with none given, a
    /// short name under a header or field whose name hints at a unit.
    static func qualifies(_ value: String, name: String, units: [String]?) -> Bool {
        if let units { return units.contains(value) }
        let lowered = name.lowercased()
        guard hints.contains(where: { lowered.contains($0) }) else { return false }
        return !value.isEmpty && value.count <= 64 && value.first?.isLetter == true
            && value.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }
}

extension UnitSource {
    /// The header's name, or the key of the body field: what says whether it names a unit.
    var placeName: String {
        switch self {
        case .header(let name): name
        case .body(let pointer): pointer.tokens.last ?? ""
        }
    }
}

extension JSONPointer {
    /// The empty pointer: the whole document.
    static let whole = try! JSONPointer("")
}
