import Foundation

/// Random documents that follow a JSON Schema of `schemas/` (drill or target), for the loader fuzz:
/// a walk of the schema that takes every required key and some optional ones, one branch of each
/// `anyOf` and `oneOf`, a value of each `enum`, numbers within `minimum` and `maximum`, strings that
/// match their `pattern` (from a small pool of the values drills use), lists within their lengths.
/// Rules across keys (`if`/`then`, `not`, `dependentRequired`) are not followed: what they would
/// refuse, the loader must refuse with a located error. Written out as block YAML.
struct SchemaDocuments {
    typealias Schema = [String: Any]

    let root: Schema
    /// Past this depth, objects take only their required keys and lists their fewest items.
    static let deepest = 7

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let root = try JSONSerialization.jsonObject(with: data) as? Schema else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
        }
        self.root = root
    }

    /// One document, as YAML text.
    func document(with random: inout SplitMix64) -> String {
        Self.yaml(value(root, key: "", depth: 0, random: &random), indent: 0).joined(separator: "\n") + "\n"
    }

    // MARK: - Values

    private func value(_ schema: Schema, key: String, depth: Int, random: inout SplitMix64) -> Any {
        let schema = resolved(schema, random: &random)
        if let constant = schema["const"] { return constant }
        if let choices = schema["enum"] as? [Any], !choices.isEmpty { return random.pick(choices) }
        var type = schema["type"] as? String
        if let types = schema["type"] as? [String] { type = random.pick(types) }
        if type == nil {
            if schema["properties"] != nil || schema["additionalProperties"] != nil { type = "object" }
            if schema["items"] != nil { type = "array" }
        }
        switch type {
        case "object": return object(schema, depth: depth, random: &random)
        case "array": return array(schema, key: key, depth: depth, random: &random)
        case "integer":
            let (low, high) = bounds(schema, default: (0, 10_000))
            return Int(low) + random.next(below: Int(min(high - low, 1_000_000)) + 1)
        case "number":
            let (low, high) = bounds(schema, default: (0, 100))
            return low + Double(random.next(below: 1001)) / 1000 * min(high - low, 1_000)
        case "boolean": return random.next(below: 2) == 0
        case "null": return NSNull()
        default: return string(schema, key: key, random: &random)
        }
    }

    /// `schema` with its `$ref`, `allOf` and one branch of its `anyOf` or `oneOf` merged in; its
    /// conditions (`if`, alone or in `allOf`) kept under `x-if` for `object` to apply.
    private func resolved(_ schema: Schema, random: inout SplitMix64, depth: Int = 0) -> Schema {
        guard depth < 20 else { return schema }
        var merged = schema
        if merged["if"] != nil {
            let condition = [
                "if": merged.removeValue(forKey: "if")!, "then": merged.removeValue(forKey: "then") ?? [:],
            ]
            .merging(merged.removeValue(forKey: "else").map { ["else": $0] } ?? [:]) { $1 }
            merged = merge(merged, ["x-if": [condition]])
        }
        if let ref = merged.removeValue(forKey: "$ref") as? String { merged = merge(merged, lookUp(ref)) }
        for all in (merged.removeValue(forKey: "allOf") as? [Schema]) ?? [] {
            merged = merge(merged, all["if"] != nil ? ["x-if": [all]] : all)
        }
        for name in ["anyOf", "oneOf"] {
            if let branches = merged.removeValue(forKey: name) as? [Schema], !branches.isEmpty {
                merged = merge(merged, random.pick(branches))
            }
        }
        let again = ["$ref", "allOf", "anyOf", "oneOf", "if"].contains { merged[$0] != nil }
        return again ? resolved(merged, random: &random, depth: depth + 1) : merged
    }

    /// `#/$defs/name` in the root.
    private func lookUp(_ ref: String) -> Schema {
        var node: Any = root
        for part in ref.split(separator: "/").dropFirst() {
            guard let object = node as? Schema, let next = object[String(part)] else { return [:] }
            node = next
        }
        return node as? Schema ?? [:]
    }

    /// `extra`'s keys over `base`'s, with their `properties` and `required` joined.
    private func merge(_ base: Schema, _ extra: Schema) -> Schema {
        var merged = base
        for (key, value) in extra {
            switch key {
            case "properties":
                var properties = merged["properties"] as? Schema ?? [:]
                for (name, property) in value as? Schema ?? [:] { properties[name] = property }
                merged[key] = properties
            case "required":
                merged[key] = Array(Set((merged[key] as? [String] ?? []) + (value as? [String] ?? []))).sorted()
            case "x-if":
                merged[key] = (merged[key] as? [Schema] ?? []) + (value as? [Schema] ?? [])
            default:
                merged[key] = value
            }
        }
        return merged
    }

    private func bounds(_ schema: Schema, default fallback: (Double, Double)) -> (Double, Double) {
        let low =
            (schema["minimum"] as? NSNumber)?.doubleValue ?? (schema["exclusiveMinimum"] as? NSNumber)?
            .doubleValue.advanced(by: 1) ?? fallback.0
        let high = (schema["maximum"] as? NSNumber)?.doubleValue ?? max(low + fallback.1 - fallback.0, low)
        return (low, max(low, high))
    }

    /// Its required keys first (the conditions look at them), then what the conditions that hold
    /// add, then some optional keys of those its `propertyNames` allow.
    private func object(_ schema: Schema, depth: Int, random: inout SplitMix64) -> [(String, Any)] {
        var schema = schema
        var values: [String: Any] = [:]
        var order: [String] = []
        func fill(_ names: [String], random: inout SplitMix64) {
            let properties = schema["properties"] as? Schema ?? [:]
            for name in names where values[name] == nil {
                guard let property = properties[name] as? Schema else { continue }
                values[name] = value(property, key: name, depth: depth + 1, random: &random)
                order.append(name)
            }
        }
        fill((schema["required"] as? [String] ?? []).sorted(), random: &random)
        var conditions = schema.removeValue(forKey: "x-if") as? [Schema] ?? []
        while let index = conditions.firstIndex(where: {
            holds($0["if"] as? Schema ?? [:], values) || $0["else"] != nil
        }) {
            let condition = conditions.remove(at: index)
            let branch = holds(condition["if"] as? Schema ?? [:], values) ? condition["then"] : condition["else"]
            let added = resolved(branch as? Schema ?? [:], random: &random)
            schema = merge(schema, added)
            conditions += schema.removeValue(forKey: "x-if") as? [Schema] ?? []
            fill((schema["required"] as? [String] ?? []).sorted(), random: &random)
        }
        let properties = schema["properties"] as? Schema ?? [:]
        let allowed = ((schema["propertyNames"] as? Schema)?["enum"] as? [String]).map(Set.init)
        if depth < Self.deepest {
            let optional = properties.keys.sorted().filter { values[$0] == nil && allowed?.contains($0) ?? true }
            fill(optional.filter { _ in random.next(below: 5) < 2 }, random: &random)
        }
        var fields = order.map { ($0, values[$0]!) }
        // A map of names (units, services, headers): a name or two of the pool.
        if properties.isEmpty, let extra = schema["additionalProperties"] as? Schema, depth < Self.deepest {
            let names = Self.names.shuffled(using: &random)
            for name in names.prefix(1 + random.next(below: 2)) {
                fields.append((name, value(extra, key: name, depth: depth + 1, random: &random)))
            }
        }
        return fields
    }

    /// Whether the values meet an `if`: each of its `properties` with a `const` or an `enum`, when
    /// present (or `required`), has such a value.
    private func holds(_ condition: Schema, _ values: [String: Any]) -> Bool {
        let required = condition["required"] as? [String] ?? []
        guard required.allSatisfy({ values[$0] != nil }) else { return false }
        for (name, property) in condition["properties"] as? Schema ?? [:] {
            guard let value = values[name], let property = property as? Schema else { continue }
            let text = Self.scalar(value)
            if let constant = property["const"], Self.scalar(constant) != text { return false }
            if let choices = property["enum"] as? [Any], !choices.contains(where: { Self.scalar($0) == text }) {
                return false
            }
        }
        return true
    }

    private func array(_ schema: Schema, key: String, depth: Int, random: inout SplitMix64) -> [Any] {
        let fewest = schema["minItems"] as? Int ?? 0
        let most = schema["maxItems"] as? Int ?? fewest + 2
        let count =
            depth < Self.deepest ? fewest + random.next(below: max(min(most, fewest + 2) - fewest, 0) + 1) : fewest
        let items = resolved(schema["items"] as? Schema ?? [:], random: &random)
        return (0..<count).map { _ in value(items, key: key, depth: depth + 1, random: &random) }
    }

    private func string(_ schema: Schema, key: String, random: inout SplitMix64) -> String {
        if let pattern = schema["pattern"] as? String, let regex = try? NSRegularExpression(pattern: pattern) {
            let matching = Self.pool.filter { text in
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            }
            return matching.isEmpty ? "x" : random.pick(matching)
        }
        switch key {
        case "unit", "home", "recovers_on", "to", "from", "default":
            return random.pick(["beijing", "hangzhou", "shenzhen"])
        case "service": return random.pick(["product", "cart"])
        case "url":
            return random.pick([
                "{{gateway.url}}/s?userId={{user.id}}", "{{control_plane.url}}/v1/cutovers", "http://127.0.0.1:9300",
            ])
        default: return random.pick(Self.pool + ["beijing", "done", "state", "{{cutover.id}}"])
        }
    }

    /// The strings drills and targets hold, from which a pattern's match is taken.
    static let pool = [
        "5s", "250ms", "1s", "2m", "1h", "100ms", "1m30s", "10.0.0.1", "10.0.0.0/24", "::1", "fe80::1/64",
        "/unit", "/data/0", "", "50%", "3.5%", "100%", "100mbit", "1kbit", "32kb", "10mb", "8080", "8000-8100",
        "eth0", "veth-bj", "beijing", "product", "gameday-beijing", "< 0.5", ">= 1", "== 0", "KILL", "SIGTERM", "STOP",
        "http://127.0.0.1:9300", "https://cp.test", "example.com:22", "[::1]:22", "/srv/key.pem", "key.pem",
        "6000", "M100017", "x",
    ]

    /// Names for maps of units, services and headers.
    static let names = ["beijing", "hangzhou", "shenzhen", "product", "X-Unit"]

    // MARK: - YAML

    /// `value` as block YAML lines at `indent`; scalars are JSON (YAML reads JSON's scalars alike).
    static func yaml(_ value: Any, indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        if let fields = value as? [(String, Any)] {
            guard !fields.isEmpty else { return [pad + "{}"] }
            return fields.flatMap { name, field -> [String] in
                if isScalar(field) || isEmpty(field) { return ["\(pad)\(name): \(scalar(field))"] }
                return ["\(pad)\(name):"] + yaml(field, indent: indent + 2)
            }
        }
        if let items = value as? [Any] {
            guard !items.isEmpty else { return [pad + "[]"] }
            return items.flatMap { item -> [String] in
                if isScalar(item) || isEmpty(item) { return ["\(pad)- \(scalar(item))"] }
                var lines = yaml(item, indent: indent + 2)
                lines[0] = pad + "- " + lines[0].dropFirst(indent + 2)
                return lines
            }
        }
        return [pad + scalar(value)]
    }

    private static func isScalar(_ value: Any) -> Bool { !(value is [(String, Any)]) && !(value is [Any]) }

    private static func isEmpty(_ value: Any) -> Bool {
        (value as? [(String, Any)])?.isEmpty ?? (value as? [Any])?.isEmpty ?? false
    }

    private static func scalar(_ value: Any) -> String {
        if let fields = value as? [(String, Any)], fields.isEmpty { return "{}" }
        if let items = value as? [Any], items.isEmpty { return "[]" }
        // As JSON (the schema's own `false` and `0` stay what they are), in a list and unwrapped.
        let data = (try? JSONSerialization.data(withJSONObject: [value], options: [.withoutEscapingSlashes])) ?? Data()
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
