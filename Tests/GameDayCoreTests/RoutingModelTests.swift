import GameDayCore
import Testing

/// Known answers for each routing model. Hash values were computed independently with Python:
/// `zlib.crc32(key.encode())` and a textbook 32-bit FNV-1a over the UTF-8 bytes.
@Suite struct RoutingModelTests {
    @Test(arguments: [
        ("M100017", UInt32(2_081_888_453), UInt32(2_295_879_821)),
        ("13800138000", 2_016_193_841, 2_774_564_939),
        ("6000", 703_634_350, 1_851_002_291),
        ("", 0, 2_166_136_261),
        ("a", 3_904_355_907, 3_826_002_220),
        ("550e8400-e29b-41d4-a716-446655440000", 3_225_157_873, 2_292_069_672),
        ("北京", 3_429_596_817, 915_681_665),
    ])
    func hashesAreTheStandardOnes(key: String, crc32: UInt32, fnv1a: UInt32) {
        #expect(KeyHash.crc32.value(of: key) == crc32)
        #expect(KeyHash.fnv1a.value(of: key) == fnv1a)
    }

    /// 64 slots in eight shards of eight, s0..s7 alternating between two units.
    static let hashRule: RoutingRule = {
        var rule = RoutingRule(key: "memberId", model: .hash(.crc32), modulo: 64)
        for index in 0..<8 {
            rule.ranges.append(RouteRange(from: index * 8, to: index * 8 + 7, destination: .shard("s\(index)")))
            rule.shards["s\(index)"] = index.isMultiple(of: 2) ? "beijing" : "hangzhou"
        }
        return rule
    }()

    @Test func hashRoutingGoesKeySlotShardUnit() {
        let rule = Self.hashRule
        // crc32("M100017") % 64 = 5 → s0 → beijing; "13800138000" → 49 → s6 → beijing; "a" → 3 → s0.
        #expect(rule.entry(for: "M100017").slot == 5)
        #expect(rule.explain("M100017").shard == "s0")
        #expect(rule.unit(for: "M100017") == "beijing")
        #expect(rule.entry(for: "13800138000").slot == 49)
        #expect(rule.unit(for: "13800138000") == "beijing")
        // "6000" → 46 → s5 → hangzhou: under hash, digits are text like any other key.
        #expect(rule.unit(for: "6000") == "hangzhou")
        #expect(
            rule.explain("M100017").reason
                == #"crc32("M100017") = 2081888453; % 64 = 5, in 0~7, shard s0 → beijing"#)
        var moved = rule
        moved.shards["s0"] = "shenzhen"
        #expect(moved.unit(for: "M100017") == "shenzhen", "a cut-over moves the shard, and its keys with it")
    }

    @Test func fnvRoutingUsesItsOwnSlots() {
        var rule = Self.hashRule
        rule.model = .hash(.fnv1a)
        #expect(rule.entry(for: "M100017").slot == 13)
        #expect(rule.unit(for: "M100017") == "hangzhou")
    }

    // MARK: - Geo

    /// Two fences sharing the border lng 110 (from lat 20 to 30), and a third to the north that
    /// touches both along lat 30.
    static let geoRule = RoutingRule(
        key: "location", model: .geo,
        fences: [
            GeoFence(name: "west", polygon: [p(20, 100), p(20, 110), p(30, 110), p(30, 100)]),
            GeoFence(name: "east", polygon: [p(20, 110), p(20, 120), p(30, 120), p(30, 110)]),
            GeoFence(name: "north", polygon: [p(30, 100), p(30, 120), p(40, 110)]),
        ],
        fallback: .unit("hangzhou"), shards: ["west": "shenzhen", "east": "hangzhou", "north": "beijing"])

    static func p(_ lat: Double, _ lng: Double) -> GeoPoint { GeoPoint(lat: lat, lng: lng) }

    @Test(arguments: [
        ("25,105", "west", "shenzhen"),
        ("25,115", "east", "hangzhou"),
        ("35,110", "north", "beijing"),
        // On the shared border of west and east: the first listed takes it.
        ("25,110", "west", "shenzhen"),
        // A shared corner of all three.
        ("30,110", "west", "shenzhen"),
        // On east's outer edge and corner.
        ("20,120", "east", "hangzhou"),
        ("20,115", "east", "hangzhou"),
        // On north's slanted edge.
        ("35,105", "north", "beijing"),
    ])
    func pointsRouteToTheirFence(key: String, shard: String, unit: String) {
        #expect(Self.geoRule.explain(key).shard == shard, "\(Self.geoRule.explain(key).reason)")
        #expect(Self.geoRule.unit(for: key) == unit)
    }

    @Test func aPointInNoFenceGoesToTheFallback() {
        let rule = Self.geoRule
        for key in ["10,105", "35,101", "45,110", "25,121"] {
            #expect(rule.explain(key).shard == nil, "\(key)")
            #expect(rule.unit(for: key) == "hangzhou", "\(key)")
        }
        #expect(rule.explain("35,101").reason == "in no fence, fallback → hangzhou")
    }

    @Test func aTravellingUserFollowsTheLocationNotTheUser() {
        // The same person, ordering from two places, is routed by where the order is.
        #expect(Self.geoRule.unit(for: "25,105") == "shenzhen")
        #expect(Self.geoRule.unit(for: "35,110") == "beijing")
    }

    @Test func locationsThatAreNotOnesAreRefusedNotRouted() {
        for key in ["", "25", "25,", "north", "91,10", "10,181", "25;105"] {
            #expect(Self.geoRule.entry(for: key).problem == .notALocation, "\(key)")
            #expect(Self.geoRule.unit(for: key) == nil)
        }
        #expect(GeoPoint(parsing: " 22.54 , 114.06 ") == GeoPoint(lat: 22.54, lng: 114.06))
    }

    @Test func fenceGeometry() {
        let bowtie = GeoFence(name: "x", polygon: [Self.p(0, 0), Self.p(10, 10), Self.p(10, 0), Self.p(0, 10)])
        #expect(bowtie.selfIntersection != nil)
        #expect(Self.geoRule.fences.allSatisfy { $0.selfIntersection == nil })
        let fences = Self.geoRule.fences
        #expect(!fences[0].overlaps(fences[1]), "a shared border is not an overlap")
        #expect(!fences[0].overlaps(fences[2]), "a shared edge along lat 30 is not an overlap")
        let inside = GeoFence(name: "in", polygon: [Self.p(22, 102), Self.p(22, 104), Self.p(24, 104)])
        #expect(inside.overlaps(fences[0]), "a fence within another overlaps it")
        #expect(fences[0].overlaps(fences[0]), "the same outline overlaps")
        let crossing = GeoFence(name: "c", polygon: [Self.p(25, 105), Self.p(25, 115), Self.p(28, 115)])
        #expect(crossing.overlaps(fences[1]))
        // A concave fence still has an inner point, and it is inside.
        let concave = GeoFence(
            name: "u",
            polygon: [
                Self.p(0, 0), Self.p(0, 30), Self.p(30, 30), Self.p(30, 20), Self.p(10, 20),
                Self.p(10, 10), Self.p(30, 10), Self.p(30, 0),
            ])
        for point in concave.interiorPoints(5) { #expect(concave.placement(of: point) == .inside) }
        #expect(concave.interiorPoints(5).count == 5)
    }

    // MARK: - Matching

    /// The article's nginx map: `~([5-9][0-9]{3})$ → beijing`, default hangzhou.
    static let regexRule = RoutingRule(
        key: "userId", model: .match(business: false),
        matches: [KeyMatch(pattern: KeyPattern(nginx: "~([5-9][0-9]{3})$"), destination: .unit("beijing"))],
        fallback: .unit("hangzhou"))

    @Test(arguments: [
        ("6000", "beijing"), ("16000", "beijing"), ("5000", "beijing"), ("4999", "hangzhou"), ("50", "hangzhou"),
        ("abc9999", "beijing"), ("9999x", "hangzhou"),
    ])
    func nginxRegexMapWithDefault(key: String, unit: String) {
        #expect(Self.regexRule.unit(for: key) == unit)
    }

    @Test func businessRoutingByPrefixSuffixAndExact() {
        let rule = RoutingRule(
            key: "path", model: .match(business: true),
            matches: [
                KeyMatch(pattern: .exact("/api/health"), destination: .unit("hangzhou")),
                KeyMatch(pattern: .prefix("/api/pay"), destination: .unit("hangzhou")),
                KeyMatch(pattern: .suffix(".jpg"), destination: .unit("shenzhen")),
                KeyMatch(pattern: KeyPattern(nginx: "~*^/API/ORDER"), destination: .shard("orders")),
            ],
            shards: ["orders": "beijing"])
        #expect(rule.unit(for: "/api/pay/refund") == "hangzhou")
        #expect(rule.unit(for: "/img/a.jpg") == "shenzhen")
        #expect(rule.unit(for: "/api/orders/1") == "beijing", "case-insensitive, via a shard")
        #expect(rule.unit(for: "/api/health") == "hangzhou")
        #expect(rule.unit(for: "/api/healthz") == nil, "an exact entry is exact, and there is no default")
        #expect(KeyPattern(nginx: "\\~tilde") == .exact("~tilde"))
    }

    @Test func overridesComeFirstInEveryModel() {
        for var rule in [Self.hashRule, Self.geoRule, Self.regexRule] {
            let key = rule.model == .geo ? "25,105" : "M100017"
            rule.overrides[key] = "elsewhere"
            #expect(rule.unit(for: key) == "elsewhere")
            #expect(rule.explain(key).reason.hasPrefix("override"))
        }
    }

    // MARK: - Generated keys

    @Test func generatedKeysLandInTheirCells() {
        let hash = Self.hashRule
        for cell in hash.cells {
            let keys = hash.keys(in: cell, count: 3, prefix: "M")
            #expect(keys.count == 3)
            #expect(keys.allSatisfy { hash.unit(for: $0) == hash.unit(of: cell.destination!) && $0.hasPrefix("M") })
        }
        let geo = Self.geoRule
        for (index, fence) in geo.fences.enumerated() {
            let keys = geo.keys(in: geo.cells[index], count: 2)
            #expect(keys.count == 2, "\(fence.name)")
            #expect(keys.allSatisfy { geo.explain($0).shard == fence.name })
        }
        let fallback = try! #require(geo.cells.last)
        #expect(geo.keys(in: fallback, count: 1).allSatisfy { geo.explain($0).shard == nil })
        let regex = Self.regexRule
        #expect(regex.keys(in: regex.cells[0], count: 2).allSatisfy { regex.unit(for: $0) == "beijing" })
        #expect(regex.keys(in: regex.cells[1], count: 2).allSatisfy { regex.unit(for: $0) == "hangzhou" })
    }

    @Test func groupsPerShardBorderAndFallback() {
        let geo = Self.geoRule
        let perShard = UserGroupSpec(count: 2, unit: "hangzhou", spread: .shard).keys(under: geo)
        #expect(perShard.count == 2, "hangzhou has one fence (the fallback is no shard)")
        let borders = UserGroupSpec(count: 4, unit: "shenzhen", spread: .border).keys(under: geo)
        #expect(borders.count == 4)
        #expect(borders.allSatisfy { geo.fences[0].placement(of: GeoPoint(parsing: $0)!) == .border })
        let fallback = UserGroupSpec(count: 2, unit: nil, spread: .fallback).keys(under: geo)
        #expect(fallback.count == 2)
        #expect(fallback.allSatisfy { geo.explain($0).shard == nil && geo.unit(for: $0) == "hangzhou" })
        let spread = UserGroupSpec(count: 8, unit: "beijing", keyPrefix: "M").keys(under: Self.hashRule)
        #expect(spread.count == 8)
        #expect(Set(spread.map { Self.hashRule.explain($0).shard! }) == ["s0", "s2", "s4", "s6"])
    }
}
