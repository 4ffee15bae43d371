/// A location as gateways carry it: `lat,lng` in degrees (`22.5431,114.0579`).
public struct GeoPoint: Sendable, Hashable, Codable, CustomStringConvertible {
    public var lat: Double
    public var lng: Double

    public init(lat: Double, lng: Double) {
        self.lat = lat
        self.lng = lng
    }

    /// `22.5431,114.0579`, spaces allowed around the comma; nil when that is not what `text` is.
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let lat = Double(parts[0].trimmingCharacters(in: " ")),
            let lng = Double(parts[1].trimmingCharacters(in: " ")),
            (-90...90).contains(lat), (-180...180).contains(lng)
        else { return nil }
        self.init(lat: lat, lng: lng)
    }

    /// The key's text: `lat,lng` with at most six decimals (about 10 cm), trailing zeros dropped.
    public var description: String { "\(Self.decimal(lat)),\(Self.decimal(lng))" }

    static func decimal(_ value: Double) -> String {
        let scaled = (value * 1_000_000).rounded()
        var text = "\(Int(scaled.magnitude) / 1_000_000)"
        let fraction = Int(scaled.magnitude) % 1_000_000
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 6 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return (scaled < 0 ? "-" : "") + text
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in blank: Character) -> Substring {
        var s = Substring(self)
        while s.first == blank { s.removeFirst() }
        while s.last == blank { s.removeLast() }
        return s
    }
}

/// A geographic fence (Ele.me's routing): a polygon, mostly along province borders. Each fence is
/// a shard: its name is the shard's, and the rule's shard table says which ezone serves it.
///
/// The plane is lng (x) by lat (y), which is exact enough for fences the size of provinces that do
/// not cross the antimeridian. A point on a fence's edge or corner is inside it; a point on the
/// shared border of two fences belongs to the one listed first, the way a gateway scanning its
/// fences in order would decide.
public struct GeoFence: Sendable, Hashable, Codable {
    public var name: String
    /// The corners in order, without repeating the first at the end.
    public var polygon: [GeoPoint]

    public init(name: String, polygon: [GeoPoint]) {
        self.name = name
        self.polygon = polygon
    }

    /// Where `point` lies relative to the fence.
    public enum Placement: Sendable, Hashable {
        case inside, border, outside
    }

    public func placement(of point: GeoPoint) -> Placement {
        let count = polygon.count
        guard count >= 3 else { return .outside }
        var inside = false
        var j = count - 1
        for i in 0..<count {
            let a = polygon[i]
            let b = polygon[j]
            if Self.onSegment(point, a, b) { return .border }
            // Ray casting towards +lng; the half-open test counts a vertex once.
            if (a.lat > point.lat) != (b.lat > point.lat) {
                let crossing = (b.lng - a.lng) * (point.lat - a.lat) / (b.lat - a.lat) + a.lng
                if point.lng < crossing { inside.toggle() }
            }
            j = i
        }
        return inside ? .inside : .outside
    }

    /// Inside or on the border.
    public func contains(_ point: GeoPoint) -> Bool { placement(of: point) != .outside }

    /// The edges, each from a corner to the next (the last back to the first).
    var edges: [(GeoPoint, GeoPoint)] {
        polygon.indices.map { (polygon[$0], polygon[($0 + 1) % polygon.count]) }
    }

    /// Two edges that are not neighbours and meet, as indices of their first corners; nil when
    /// the polygon is simple. A repeated corner counts as touching.
    public var selfIntersection: (Int, Int)? {
        let edges = self.edges
        let count = edges.count
        for i in 0..<count {
            for j in (i + 1)..<count {
                let neighbours = j == i + 1 || (i == 0 && j == count - 1)
                if neighbours {
                    // Neighbours share a corner; they intersect only if they fold back onto each other.
                    if Self.collinearOverlap(edges[i], edges[j]) { return (i, j) }
                    continue
                }
                if Self.segmentsMeet(edges[i].0, edges[i].1, edges[j].0, edges[j].1) { return (i, j) }
            }
        }
        return nil
    }

    /// Whether the insides of the two fences overlap. Sharing a border, or a corner, is not an
    /// overlap: neighbouring provinces share theirs.
    public func overlaps(_ other: GeoFence) -> Bool {
        for (a, b) in edges {
            for (c, d) in other.edges where Self.segmentsCross(a, b, c, d) { return true }
        }
        if polygon.contains(where: { other.placement(of: $0) == .inside }) { return true }
        if other.polygon.contains(where: { placement(of: $0) == .inside }) { return true }
        // Same outline (every corner on the other's border): compare an inner point.
        if let inner = interiorPoint(), other.placement(of: inner) == .inside { return true }
        if let inner = other.interiorPoint(), placement(of: inner) == .inside { return true }
        return false
    }

    /// A point strictly inside the fence: the middle of the widest horizontal chord through a few
    /// heights, so concave fences get one too. Nil only for a degenerate polygon.
    public func interiorPoint() -> GeoPoint? { interiorPoints(1).first }

    /// Up to `count` points strictly inside, spread over the fence's height.
    public func interiorPoints(_ count: Int) -> [GeoPoint] {
        guard polygon.count >= 3, count > 0 else { return [] }
        let lats = polygon.map(\.lat)
        let low = lats.min()!
        let high = lats.max()!
        guard high > low else { return [] }
        var points: [GeoPoint] = []
        var slices = count
        var attempts = 0
        while points.count < count, attempts < 4 {
            points = []
            for index in 0..<slices {
                let lat = low + (high - low) * (Double(2 * index + 1) / Double(2 * slices))
                if let point = widestChordMiddle(at: lat) { points.append(point) }
                if points.count == count { break }
            }
            slices *= 2
            attempts += 1
        }
        return points
    }

    /// The middle of the widest stretch inside the fence along latitude `lat`.
    private func widestChordMiddle(at lat: Double) -> GeoPoint? {
        var crossings: [Double] = []
        for (a, b) in edges where (a.lat > lat) != (b.lat > lat) {
            crossings.append((b.lng - a.lng) * (lat - a.lat) / (b.lat - a.lat) + a.lng)
        }
        crossings.sort()
        var best: (Double, Double)?
        var index = 0
        while index + 1 < crossings.count {
            let (from, to) = (crossings[index], crossings[index + 1])
            if to - from > (best.map { $0.1 - $0.0 } ?? 0) { best = (from, to) }
            index += 2
        }
        guard let (from, to) = best else { return nil }
        let point = GeoPoint(lat: lat, lng: (from + to) / 2)
        return placement(of: point) == .inside ? point : nil
    }

    /// The middle of each edge: points on the border.
    public var borderPoints: [GeoPoint] {
        edges.map { GeoPoint(lat: ($0.0.lat + $0.1.lat) / 2, lng: ($0.0.lng + $0.1.lng) / 2) }
    }

    // MARK: - Geometry

    private static func cross(_ o: GeoPoint, _ a: GeoPoint, _ b: GeoPoint) -> Double {
        (a.lng - o.lng) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lng - o.lng)
    }

    /// Tolerance for "on the line": a millionth of a degree squared scale, about 10 cm.
    private static let epsilon = 1e-12

    static func onSegment(_ p: GeoPoint, _ a: GeoPoint, _ b: GeoPoint) -> Bool {
        guard abs(cross(a, b, p)) <= epsilon * max(1, abs(b.lng - a.lng) + abs(b.lat - a.lat)) else { return false }
        return p.lng >= min(a.lng, b.lng) - 1e-12 && p.lng <= max(a.lng, b.lng) + 1e-12
            && p.lat >= min(a.lat, b.lat) - 1e-12 && p.lat <= max(a.lat, b.lat) + 1e-12
    }

    /// Whether segments ab and cd have any point in common.
    static func segmentsMeet(_ a: GeoPoint, _ b: GeoPoint, _ c: GeoPoint, _ d: GeoPoint) -> Bool {
        if segmentsCross(a, b, c, d) { return true }
        return onSegment(c, a, b) || onSegment(d, a, b) || onSegment(a, c, d) || onSegment(b, c, d)
    }

    /// Whether ab and cd cross at one point inside both (not at an end, not along each other).
    static func segmentsCross(_ a: GeoPoint, _ b: GeoPoint, _ c: GeoPoint, _ d: GeoPoint) -> Bool {
        let d1 = cross(c, d, a)
        let d2 = cross(c, d, b)
        let d3 = cross(a, b, c)
        let d4 = cross(a, b, d)
        return ((d1 > epsilon && d2 < -epsilon) || (d1 < -epsilon && d2 > epsilon))
            && ((d3 > epsilon && d4 < -epsilon) || (d3 < -epsilon && d4 > epsilon))
    }

    /// Neighbouring edges a→b, b→c that double back along each other.
    private static func collinearOverlap(_ e: (GeoPoint, GeoPoint), _ f: (GeoPoint, GeoPoint)) -> Bool {
        let shared = [e.0, e.1].first { $0 == f.0 || $0 == f.1 }
        guard let shared else { return true }  // not actually neighbours: treat as meeting
        let p = e.0 == shared ? e.1 : e.0
        let q = f.0 == shared ? f.1 : f.0
        if p == q { return true }
        guard abs(cross(shared, p, q)) <= epsilon else { return false }
        // Collinear: overlap when both go the same way from the shared corner.
        return (p.lng - shared.lng) * (q.lng - shared.lng) + (p.lat - shared.lat) * (q.lat - shared.lat) > 0
    }
}
