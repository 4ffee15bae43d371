/// One part of a rule's key space: a slot range, a fence, a match entry, or the fallback. Test
/// users are generated per cell, and the preflight samples keys from each, so a drill covers the
/// space rather than a couple of ids.
public struct RouteCell: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case range(Int), fence(Int), match(Int), fallback
    }

    public var kind: Kind
    public var destination: RouteDestination?

    public var description: String {
        let to = destination.map { " → \($0)" } ?? ""
        switch kind {
        case .range(let index): return "range #\(index + 1)\(to)"
        case .fence(let index): return "fence #\(index + 1)\(to)"
        case .match(let index): return "entry #\(index + 1)\(to)"
        case .fallback: return "fallback\(to)"
        }
    }

    var index: Int? {
        switch kind {
        case .range(let index), .fence(let index), .match(let index): index
        case .fallback: nil
        }
    }
}

extension RoutingRule {
    /// Every cell, in the rule's order; the fallback last when there is one.
    public var cells: [RouteCell] {
        var cells: [RouteCell]
        switch model {
        case .modulo, .hash:
            cells = ranges.indices.map { RouteCell(kind: .range($0), destination: ranges[$0].destination) }
        case .geo: cells = fences.indices.map { RouteCell(kind: .fence($0), destination: .shard(fences[$0].name)) }
        case .match: cells = matches.indices.map { RouteCell(kind: .match($0), destination: matches[$0].destination) }
        }
        if fallback != nil || model == .geo || isMatch {
            cells.append(RouteCell(kind: .fallback, destination: fallback))
        }
        return cells
    }

    /// The cells whose keys end at `unit`.
    public func cells(of unit: String) -> [RouteCell] {
        cells.filter { $0.destination.flatMap(self.unit(of:)) == unit }
    }

    /// The name of a cell for people: `slots 5000~9999`, `fence guangdong`, `entry ~([5-9]…)$`, `fallback`.
    public func describe(_ cell: RouteCell) -> String {
        switch cell.kind {
        case .range(let index): "slots \(ranges[index].from)~\(ranges[index].to)"
        case .fence(let index): "fence \(fences[index].name)"
        case .match(let index): "entry \(matches[index].pattern)"
        case .fallback: "fallback"
        }
    }

    /// Up to `count` keys the rule sends through `cell` (and not overridden elsewhere), spread over
    /// it, none in `taken`. `prefix` starts generated text keys (`hash`, `regex`): `M` gives `M17`.
    public func keys(in cell: RouteCell, count: Int, excluding taken: Set<String> = [], prefix: String = "u")
        -> [String]
    {
        guard count > 0 else { return [] }
        var found: [String] = []
        var used = taken
        func take(_ key: String) -> Bool {
            guard !used.contains(key), overrides[key] == nil else { return false }
            let entry = entry(for: key)
            guard entry.index == cell.index, entry.problem == nil else { return false }
            used.insert(key)
            found.append(key)
            return found.count == count
        }
        switch (model, cell.kind) {
        case (.modulo, .range(let index)):
            let range = ranges[index]
            let size = range.to - range.from + 1
            for stretch in 0..<count {
                var offset = (2 * stretch + 1) * size / (2 * count)
                for _ in 0..<size {
                    if take(String(range.from + offset)) || found.count > stretch { break }
                    offset = (offset + 1) % size
                }
            }
        case (.hash, .range(let index)):
            // Look for keys whose slot falls in each of `count` stretches of the range in turn.
            let range = ranges[index]
            let size = range.to - range.from + 1
            let stretches = min(count, size)
            var n = 0
            for stretch in 0..<stretches {
                let low = range.from + stretch * size / stretches
                let high = range.from + (stretch + 1) * size / stretches - 1
                var tries = 0
                while tries < 200_000, found.count <= stretch {
                    let key = "\(prefix)\(n)"
                    n += 1
                    tries += 1
                    if let slot = entry(for: key).slot, (low...high).contains(slot) { _ = take(key) }
                }
            }
        case (.geo, .fence(let index)):
            for point in fences[index].interiorPoints(count) where take(point.description) { break }
        case (.geo, .fallback):
            for point in outsidePoints(count) where take(point.description) { break }
        case (.match, .match(let index)):
            let candidates: [String]
            switch matches[index].pattern {
            case .exact(let text): candidates = [text]
            case .prefix(let text): candidates = (1...count * 4).map { "\(text)\(prefix)\($0)" }
            case .suffix(let text): candidates = (1...count * 4).map { "\(prefix)\($0)\(text)" }
            case .regex: candidates = []
            }
            for key in candidates where take(key) { return found }
            if found.count < count { searchText(prefix: prefix, take: take) }
        case (.modulo, .fallback), (.hash, .fallback), (.match, .fallback):
            searchText(prefix: prefix, take: take)
        default:
            break
        }
        return found
    }

    /// Points on the borders of `unit`'s fences (the middle of each edge), each routed as the rule
    /// routes it: to this fence, or to a neighbour listed first.
    public func borderKeys(of cell: RouteCell, count: Int) -> [String] {
        guard case .fence(let index) = cell.kind else { return [] }
        return Array(fences[index].borderPoints.prefix(count).map(\.description))
    }

    /// Keys to try when a cell cannot be enumerated: integers, then prefixed numbers.
    private func searchText(prefix: String, take: (String) -> Bool) {
        for n in 0..<100_000 where take(String(n)) { return }
        for n in 0..<100_000 where take("\(prefix)\(n)") { return }
        // Keys that end in neither a digit nor the prefix's letters, for rules on a tail digit.
        for n in 0..<10_000 where take("\(prefix)\(n)-") { return }
    }

    /// Points in no fence: beyond the fences' bounding box, towards each side.
    private func outsidePoints(_ count: Int) -> [GeoPoint] {
        let corners = fences.flatMap(\.polygon)
        guard let north = corners.map(\.lat).max(), let south = corners.map(\.lat).min(),
            let east = corners.map(\.lng).max(), let west = corners.map(\.lng).min()
        else { return [GeoPoint(lat: 0, lng: 0)] }
        let middleLat = (north + south) / 2
        let middleLng = (east + west) / 2
        let candidates = [
            GeoPoint(lat: min(90, north + 1), lng: middleLng), GeoPoint(lat: max(-90, south - 1), lng: middleLng),
            GeoPoint(lat: middleLat, lng: min(180, east + 1)), GeoPoint(lat: middleLat, lng: max(-180, west - 1)),
        ]
        return Array(candidates.prefix(max(count, 1)))
    }

    private var isMatch: Bool {
        if case .match = model { return true }
        return false
    }
}
