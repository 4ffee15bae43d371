/// How a rule routes one key, with the reason in words: what `gameday plan` shows per test user.
public struct RouteExplanation: Sendable, Hashable {
    public var key: String
    public var shard: String?
    public var unit: String?
    /// `crc32("M100017") = 2212294583; % 64 = 55, in 48~63 → shard s6 → beijing`
    public var reason: String
}

extension RoutingRule {
    public func explain(_ key: String) -> RouteExplanation {
        if let unit = overrides[key] {
            return RouteExplanation(key: key, unit: unit, reason: "override for \(self.key) \(key) → \(unit)")
        }
        let entry = entry(for: key)
        var steps: [String] = []
        switch entry.problem {
        case .notAnInteger?:
            return RouteExplanation(key: key, reason: "'\(key)' is not an integer; \(model) routing needs one")
        case .notALocation?:
            return RouteExplanation(key: key, reason: "'\(key)' is not a location 'lat,lng'; geo routing needs one")
        case nil: break
        }
        switch model {
        case .modulo:
            steps.append("\(key) % \(modulo) = \(entry.slot ?? 0)")
        case .hash(let hash):
            steps.append("\(hash.rawValue)(\"\(key)\") = \(hash.value(of: key)); % \(modulo) = \(entry.slot ?? 0)")
        case .geo:
            if let index = entry.index, let point = GeoPoint(parsing: key) {
                let fence = fences[index]
                if fence.placement(of: point) == .border {
                    let others = fences.indices.filter { $0 != index && fences[$0].contains(point) }.map {
                        fences[$0].name
                    }
                    steps.append(
                        others.isEmpty
                            ? "on the border of fence \(fence.name)"
                            : "on the border of fences \(([fence.name] + others).joined(separator: " and ")); "
                                + "the first listed, \(fence.name), takes it")
                } else {
                    steps.append("inside fence \(fence.name)")
                }
            } else {
                steps.append("in no fence")
            }
        case .match:
            if let index = entry.index {
                steps.append("matches entry \(index + 1) (\(matches[index].pattern))")
            } else {
                steps.append("matches no entry")
            }
        }
        if let index = entry.index, model == .modulo || isHash {
            steps.append("in \(ranges[index].from)~\(ranges[index].to)")
        } else if entry.index == nil, let slot = entry.slot, fallback == nil {
            steps.append("slot \(slot) is in no range")
        }
        guard let destination = entry.destination else {
            steps.append("no fallback → no unit")
            return RouteExplanation(key: key, reason: steps.joined(separator: ", "))
        }
        if entry.index == nil { steps.append("fallback") }
        let unit = unit(of: destination)
        // A shard is a step of its own; a unit named directly ends the last step.
        let reason: String
        if let shard = destination.shard {
            reason = (steps + ["shard \(shard) → \(unit ?? "no unit (not in the shard table)")"]).joined(
                separator: ", ")
        } else {
            reason = steps.joined(separator: ", ") + " → \(unit ?? "no unit")"
        }
        return RouteExplanation(key: key, shard: destination.shard, unit: unit, reason: reason)
    }

    private var isHash: Bool {
        if case .hash = model { return true }
        return false
    }
}
