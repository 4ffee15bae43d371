import Foundation
import Testing

@testable import GameDayCore

/// The JSON Schemas in `schemas/` (for editors and `scripts/check-schemas.py`) allow and
/// require exactly the keys the loader does, so the two cannot drift apart.
@Suite struct SchemaMirrorTests {
    /// A schema file of this repository, as nested dictionaries.
    struct Schema {
        let root: [String: Any]

        init(_ name: String) throws {
            let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            let data = try Data(contentsOf: repository.appendingPathComponent("schemas/\(name).schema.json"))
            root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        /// The subschema at `path` (keys separated by '/'), following `$ref`s into `$defs`.
        func at(_ path: String) throws -> [String: Any] {
            var node = root
            for key in path.split(separator: "/").map(String.init) {
                node = try #require(resolve(node)[key] as? [String: Any], "no \(key) in \(path)")
            }
            return resolve(node)
        }

        private func resolve(_ node: [String: Any]) -> [String: Any] {
            guard let ref = node["$ref"] as? String, ref.hasPrefix("#/$defs/"),
                let definitions = root["$defs"] as? [String: Any],
                let target = definitions[String(ref.dropFirst("#/$defs/".count))] as? [String: Any]
            else { return node }
            return target
        }

        func shape(_ path: String) throws -> (keys: Set<String>, required: Set<String>) {
            let node = try at(path)
            #expect(node["additionalProperties"] as? Bool == false, "\(path) must refuse unknown keys")
            let properties = node["properties"] as? [String: Any] ?? [:]
            return (Set(properties.keys), Set(node["required"] as? [String] ?? []))
        }
    }

    static let drillShapes: [(String, MappingShape)] = [
        ("", DrillFormat.top),
        ("properties/probe", DrillFormat.probe),
        ("properties/probe/properties/success", DrillFormat.success),
        ("properties/probe/properties/unit_from", DrillFormat.unitFrom),
        ("$defs/request", DrillFormat.request),
        ("properties/users/items", DrillFormat.user),
        ("properties/steady_state", DrillFormat.steadyState),
        ("properties/faults/items", DrillFormat.fault),
        ("properties/faults/items/properties/match", DrillFormat.trafficMatch),
        ("properties/observe", DrillFormat.observe),
        ("$defs/cutover", DrillFormat.cutover),
        ("$defs/poll", DrillFormat.poll),
        ("$defs/cutoverStep", DrillFormat.cutoverStep),
        ("$defs/cutoverUndo", DrillFormat.cutoverUndo),
        ("properties/recovery", DrillFormat.recovery),
        ("properties/recovery/properties/window", DrillFormat.window),
        ("properties/guardrail", DrillFormat.window),
        ("properties/rollback", DrillFormat.rollback),
        ("properties/rpo", DrillFormat.rpo),
        ("properties/rpo/properties/write", DrillFormat.canaryWrite),
        ("properties/rpo/properties/read", DrillFormat.canaryRead),
        ("properties/checks/items", DrillFormat.check),
        ("properties/hooks/items", HookFormat.hook),
    ]

    static let targetShapes: [(String, MappingShape)] = [
        ("", TargetFormat.top),
        ("properties/gateway", TargetFormat.gateway),
        ("properties/notify/items", TargetFormat.webhook),
        ("properties/hooks/items", HookFormat.hook),
        ("properties/control_plane", TargetFormat.controlPlane),
        ("properties/control_plane/properties/token", TargetFormat.token),
        ("properties/prometheus", TargetFormat.prometheus),
        ("properties/prometheus/properties/token", TargetFormat.token),
        ("properties/prometheus/properties/basic_auth", TargetFormat.basicAuth),
        ("properties/prometheus/properties/basic_auth/properties/password", TargetFormat.token),
        ("properties/routing", TargetFormat.routing),
        ("properties/routing/properties/ranges/items", TargetFormat.range),
        ("properties/units/additionalProperties", TargetFormat.unit),
        ("properties/units/additionalProperties/properties/proxy", TargetFormat.proxy),
        ("properties/units/additionalProperties/properties/ssh", TargetFormat.ssh),
        ("properties/units/additionalProperties/properties/services/additionalProperties", TargetFormat.service),
        (
            "properties/units/additionalProperties/properties/services/additionalProperties/properties/process",
            TargetFormat.process
        ),
    ]

    @Test func drillSchemaHasTheLoadersKeys() throws {
        let schema = try Schema("drill")
        for (path, shape) in Self.drillShapes {
            let found = try schema.shape(path)
            #expect(found.keys == Set(shape.keys), "keys of \(path)")
            #expect(found.required == Set(shape.required), "required keys of \(path)")
        }
    }

    @Test func targetSchemaHasTheLoadersKeys() throws {
        let schema = try Schema("target")
        for (path, shape) in Self.targetShapes {
            let found = try schema.shape(path)
            #expect(found.keys == Set(shape.keys), "keys of \(path)")
            #expect(found.required == Set(shape.required), "required keys of \(path)")
        }
    }

    @Test func gameDaySchemaHasTheLoadersKeysAndValues() throws {
        let schema = try Schema("gameday")
        for (path, shape) in [("", GameDayFormat.top), ("properties/drills/items", GameDayFormat.entry)] {
            let found = try schema.shape(path)
            #expect(found.keys == Set(shape.keys), "keys of \(path)")
            #expect(found.required == Set(shape.required), "required keys of \(path)")
        }
        #expect(
            try schema.at("properties/stop_on")["enum"] as? [String] == GameDayPlan.StopPolicy.allCases.map(\.rawValue))
    }

    @Test func drillSchemaHasTheLoadersValues() throws {
        let schema = try Schema("drill")
        #expect(try schema.at("$defs/request/properties/method")["enum"] as? [String] == DrillFormat.methods)
        #expect(try schema.at("properties/faults/items/properties/kind")["enum"] as? [String] == DrillFormat.faultKinds)
        #expect(
            try schema.at("properties/users/items/properties/impact")["enum"] as? [String]
                == ImpactExpectation.allCases.map(\.rawValue))
        #expect(try schema.at("$defs/duration")["pattern"] as? String == #"^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$"#)
        #expect(
            try schema.at("properties/checks/items/properties/on_no_data")["enum"] as? [String]
                == NoDataPolicy.allCases.map(\.rawValue))
        #expect(try schema.at("$defs/checkPhase")["enum"] as? [String] == CheckPhase.allCases.map(\.rawValue))
    }

    /// The schema's pattern for `expect` takes exactly what the loader reads as a comparison.
    @Test func drillSchemasComparisonPatternAcceptsWhatTheLoaderDoes() throws {
        let expect = try Schema("drill").at("properties/checks/items/properties/expect")
        let regex = try NSRegularExpression(pattern: try #require(expect["pattern"] as? String))
        for text in [
            "< 0.5", "<=1", ">= 100", "== 0", "!= 2", "> -3", " < .5 ", "<1e3", "=< 1", "< x", "0.5", "<", "< 1 2",
        ] {
            let matches = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            #expect(matches == (MetricComparison(parsing: text) != nil), "'\(text)'")
        }
    }

    @Test func drillSchemasJSONPointerPatternAcceptsWhatTheLoaderDoes() throws {
        let body = try Schema("drill").at("properties/probe/properties/unit_from/properties/body")
        let regex = try NSRegularExpression(pattern: try #require(body["pattern"] as? String))
        for text in ["", "/", "/unit", "/data/unit", "/a~0b", "/a~1b/0", "//", "unit", "/a~2", "/a~", "~0", " /unit"] {
            let matches = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            #expect(matches == ((try? JSONPointer(text)) != nil), "'\(text)'")
        }
    }

    @Test func drillSchemaHasTheValuesOfNetworkAndProxyFaults() throws {
        let schema = try Schema("drill")
        func values(_ key: String) throws -> [String]? {
            try schema.at("properties/faults/items/properties/\(key)")["enum"] as? [String]
        }
        #expect(try values("direction") == TrafficDirection.allCases.map(\.rawValue))
        #expect(try values("protocol") == TransportProtocol.allCases.map(\.rawValue))
        // One key for two kinds: block-port's firewalls, then latency's backends; each kind takes its own.
        #expect(
            try values("backend")
                == FirewallBackend.allCases.map(\.rawValue)
                + LatencyBackend.allCases.map(\.rawValue).filter { $0 != "auto" })
        let kinds = try schema.at("properties/faults/items")["allOf"] as? [[String: Any]] ?? []
        func backends(of kind: String) -> [String]? {
            let rule = kinds.first {
                (($0["if"] as? [String: Any])?["properties"] as? [String: Any]).flatMap {
                    ($0["kind"] as? [String: Any])?["const"] as? String
                } == kind
            }
            return
                (((rule?["then"] as? [String: Any])?["properties"] as? [String: Any])?["backend"]
                as? [String: Any])?["enum"] as? [String]
        }
        #expect(backends(of: "block-port") == FirewallBackend.allCases.map(\.rawValue))
        #expect(backends(of: "latency") == LatencyBackend.allCases.map(\.rawValue))
        #expect(try values("toxic") == DrillFormat.toxics)
        #expect(try values("stream") == ProxyFaultSpec.Stream.allCases.map(\.rawValue))
        let number = #"^[0-9]+(\.[0-9]+)?"#
        #expect(
            try schema.at("$defs/tcRate")["pattern"] as? String
                == number + "(" + DrillFormat.rateUnits.joined(separator: "|") + ")$")
        #expect(
            try schema.at("$defs/tcSize")["pattern"] as? String
                == number + "(" + DrillFormat.sizeUnits.joined(separator: "|") + ")$")
    }

    /// Each `if: { kind: K } then: { propertyNames, required }` rule allows and requires exactly
    /// the keys the loader takes for that kind (and, inside the proxy rule, for each toxic).
    @Test func faultKeysAreThoseOfTheKindsAndToxics() {
        let kindKeys = DrillFormat.faultKindShapes.flatMap(\.shape.keys)
        #expect(Set(DrillFormat.fault.keys) == Set(DrillFormat.faultCommonKeys + kindKeys))
        #expect(DrillFormat.fault.keys.count == Set(DrillFormat.fault.keys).count, "no key listed twice")
        let proxy = DrillFormat.faultKindShapes.first { $0.kind == "proxy" }?.shape.keys ?? []
        let toxicKeys = DrillFormat.toxicShapes.flatMap(\.shape.keys)
        #expect(Set(proxy) == Set(DrillFormat.proxyCommonKeys + toxicKeys))
    }

    @Test func drillSchemaHasEachKindsKeys() throws {
        let fault = try Schema("drill").at("properties/faults/items")
        let kinds = try Self.rules(in: fault, on: "kind")
        #expect(kinds.map(\.value) == DrillFormat.faultKinds)
        for (kind, shape) in DrillFormat.faultKindShapes {
            let then = try #require(kinds.first { $0.value == kind }?.then, "no rule for \(kind)")
            #expect(
                (then["propertyNames"] as? [String: Any])?["enum"] as? [String] == DrillFormat.faultCommonKeys
                    + shape.keys, "keys of \(kind)")
            #expect(Set(then["required"] as? [String] ?? []) == Set(shape.required), "required keys of \(kind)")
        }
        let proxy = try #require(kinds.first { $0.value == "proxy" }?.then)
        let toxics = try Self.rules(in: proxy, on: "toxic")
        #expect(toxics.map(\.value) == DrillFormat.toxics)
        for (toxic, shape) in DrillFormat.toxicShapes {
            let then = try #require(toxics.first { $0.value == toxic }?.then, "no rule for the \(toxic) toxic")
            #expect(
                (then["propertyNames"] as? [String: Any])?["enum"] as? [String] == DrillFormat.faultCommonKeys
                    + DrillFormat.proxyCommonKeys + shape.keys, "keys of the \(toxic) toxic")
            #expect(Set(then["required"] as? [String] ?? []) == Set(shape.required), "required keys of \(toxic)")
        }
    }

    /// The `allOf` rules of `node` that are `if: { properties: { key: { const: value } } }`, in order.
    static func rules(in node: [String: Any], on key: String) throws -> [(value: String, then: [String: Any])] {
        let rules = try #require(node["allOf"] as? [[String: Any]], "no allOf")
        return rules.compactMap { rule in
            let condition = (rule["if"] as? [String: Any])?["properties"] as? [String: Any]
            guard let value = (condition?[key] as? [String: Any])?["const"] as? String,
                let then = rule["then"] as? [String: Any]
            else { return nil }
            return (value, then)
        }
    }

    /// The integers the loader bounds (`InputLimits`), each with the schema path that says the same.
    static let integerBounds: [(schema: String, path: String, range: ClosedRange<Int>)] = [
        ("drill", "properties/recovery/properties/window/properties/consecutive", InputLimits.windowCounts),
        ("drill", "properties/recovery/properties/window/properties/k", InputLimits.windowCounts),
        ("drill", "properties/recovery/properties/window/properties/n", InputLimits.windowCounts),
        ("drill", "properties/guardrail/properties/consecutive", InputLimits.windowCounts),
        ("drill", "properties/guardrail/properties/k", InputLimits.windowCounts),
        ("drill", "properties/guardrail/properties/n", InputLimits.windowCounts),
        ("target", "properties/routing/properties/modulo", InputLimits.modulo),
        ("target", "properties/routing/properties/ranges/items/properties/from", 0...InputLimits.modulo.upperBound - 1),
        ("target", "properties/routing/properties/ranges/items/properties/to", 0...InputLimits.modulo.upperBound - 1),
    ]

    @Test func integerBoundsAreTheLoaders() throws {
        let schemas = ["drill": try Schema("drill"), "target": try Schema("target")]
        for (name, path, range) in Self.integerBounds {
            let node = try #require(try schemas[name]?.at(path))
            #expect(node["minimum"] as? Int == range.lowerBound, "\(name) \(path)")
            #expect(node["maximum"] as? Int == range.upperBound, "\(name) \(path)")
        }
    }

    @Test(arguments: ["drill", "target"])
    func everyPropertyHasADescription(name: String) throws {
        var missing: [String] = []
        func walk(_ value: Any, _ path: String) {
            if let object = value as? [String: Any] {
                if let properties = object["properties"] as? [String: Any] {
                    for (key, property) in properties {
                        if (property as? [String: Any])?["description"] == nil { missing.append("\(path)/\(key)") }
                    }
                }
                for (key, child) in object { walk(child, "\(path)/\(key)") }
            } else if let array = value as? [Any] {
                for (index, child) in array.enumerated() { walk(child, "\(path)/\(index)") }
            }
        }
        walk(try Schema(name).root, "")
        #expect(missing.sorted() == [])
    }
}
