import GameDayCore

/// `gameday-bench routing`: what routing 1,000,000 keys costs per model (the runner routes every
/// probe's user, and the preflight samples every cell of the rule). Each model's rule is the lab's
/// (`lab up --routing`), or, for business routing, a rule of path prefixes. The reference, timed
/// in the same invocation and interleaved round by round, is looking each key up in a
/// `[String: String]` of 1,000 entries: the cheapest routing there is, an override table.
enum RoutingBench {
    struct Case {
        var name: String
        var rule: RoutingRule
        var keys: [String]
    }

    static func run(_ arguments: [String]) throws -> String {
        let count = arguments.firstIndex(of: "--keys").flatMap { Int(arguments[$0 + 1]) } ?? 1_000_000
        let rounds = arguments.firstIndex(of: "--rounds").flatMap { Int(arguments[$0 + 1]) } ?? 5
        let cases = makeCases(count: count)
        let table = Dictionary(uniqueKeysWithValues: (0..<1000).map { ("u\($0)", "beijing") })
        let referenceKeys = (0..<count).map { "u\($0 % 2000)" }
        var reference: [Duration] = []
        var timings: [[Duration]] = Array(repeating: [], count: cases.count)
        var routed = 0
        for _ in 0..<rounds {
            reference.append(time { for key in referenceKeys where table[key] != nil { routed += 1 } })
            for (index, test) in cases.enumerated() {
                timings[index].append(
                    time { for key in test.keys where test.rule.unit(for: key) != nil { routed += 1 } })
            }
        }
        let referenceMedian = median(reference)
        var lines = [
            "routing \(count) keys per model, median of \(rounds) rounds (release build); reference: a "
                + "[String: String] lookup of each key, \(format(referenceMedian)) (\(nanos(referenceMedian, count)) ns/key)",
            "",
            "| model | rule | ms per 1,000,000 keys | ns/key | ÷ reference |",
            "|---|---|--:|--:|--:|",
        ]
        for (index, test) in cases.enumerated() {
            let value = median(timings[index])
            let ratio = Double(value.nanoseconds) / Double(max(1, referenceMedian.nanoseconds))
            lines.append(
                "| \(test.name) | \(describe(test.rule)) | \(format(value * (1_000_000.0 / Double(count)))) | "
                    + "\(nanos(value, count)) | \(String(format1: ratio))× |")
        }
        lines.append("")
        lines.append("(\(routed) lookups found a unit)")
        return lines.joined(separator: "\n")
    }

    static func makeCases(count: Int) -> [Case] {
        let units = ["beijing", "hangzhou", "shenzhen"]
        let integers = (0..<count).map { String($0 &* 7919 % 10_000_000) }
        let members = (0..<count).map { "M\($0 &* 7919 % 10_000_000)" }
        let geo = baselineGeo(units)
        // Points spread over the fences' box and a little beyond (some fall back).
        let locations = (0..<count).map { index -> String in
            let lat = 18.0 + Double(index % 997) * 28.0 / 997.0
            let lng = 98.0 + Double(index % 991) * 16.0 / 991.0
            return GeoPoint(lat: lat, lng: lng).description
        }
        let regex = RoutingRule(
            model: .match(business: false),
            matches: [KeyMatch(pattern: KeyPattern(nginx: "~([5-9][0-9]{3})$"), destination: .unit("beijing"))],
            fallback: .unit("hangzhou"))
        let business = RoutingRule(
            key: "path", model: .match(business: true),
            matches: ["/api/pay", "/api/order", "/api/cart", "/api/user"].enumerated().map {
                KeyMatch(pattern: .prefix($0.element), destination: .unit(units[$0.offset % units.count]))
            }, fallback: .unit("hangzhou"))
        let paths = (0..<count).map { ["/api/pay/", "/api/order/", "/api/cart/", "/static/"][$0 % 4] + "\($0)" }
        var fnv = baselineHash(units)
        fnv.model = .hash(.fnv1a)
        return [
            Case(name: "modulo", rule: .storefront, keys: integers),
            Case(name: "hash (crc32)", rule: baselineHash(units), keys: members),
            Case(name: "hash (fnv1a-32)", rule: fnv, keys: members),
            Case(name: "geo", rule: geo, keys: locations),
            Case(name: "regex", rule: regex, keys: integers),
            Case(name: "business", rule: business, keys: paths),
        ]
    }

    /// The lab's hash rule: 64 slots, 8 shards.
    static func baselineHash(_ units: [String]) -> RoutingRule {
        var rule = RoutingRule(key: "memberId", model: .hash(.crc32), modulo: 64)
        for index in 0..<8 {
            rule.ranges.append(RouteRange(from: index * 8, to: index * 8 + 7, destination: .shard("s\(index)")))
            rule.shards["s\(index)"] = units[index % units.count]
        }
        return rule
    }

    /// The lab's geo rule: two fences per unit.
    static func baselineGeo(_ units: [String]) -> RoutingRule {
        var rule = RoutingRule(key: "location", model: .geo, fallback: .unit(units[0]))
        for strip in 0..<(2 * units.count) {
            let west = 100.0 + 2.0 * Double(strip)
            let polygon = [
                GeoPoint(lat: 20, lng: west), GeoPoint(lat: 20, lng: west + 2), GeoPoint(lat: 44, lng: west + 2.5),
                GeoPoint(lat: 44, lng: west + 0.5),
            ]
            rule.fences.append(GeoFence(name: "f\(strip)", polygon: polygon))
            rule.shards["f\(strip)"] = units[strip / 2]
        }
        return rule
    }

    static func describe(_ rule: RoutingRule) -> String {
        switch rule.model {
        case .modulo: "\(rule.ranges.count) ranges of userId % \(rule.modulo)"
        case .hash: "\(rule.modulo) slots, \(rule.shards.count) shards"
        case .geo: "\(rule.fences.count) fences of 4 corners, a fallback"
        case .match(let business):
            business ? "\(rule.matches.count) path prefixes, a default" : "1 nginx regex, a default"
        }
    }

    static func time(_ body: () -> Void) -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        body()
        return clock.now - start
    }

    static func median(_ values: [Duration]) -> Duration { values.sorted()[values.count / 2] }

    static func format(_ value: Duration) -> String { String(format1: Double(value.nanoseconds) / 1e6) + " ms" }

    static func nanos(_ value: Duration, _ count: Int) -> String {
        String(format1: Double(value.nanoseconds) / Double(count))
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

extension String {
    /// One decimal.
    fileprivate init(format1 value: Double) {
        let tenths = (value * 10).rounded()
        self = "\(Int(tenths) / 10).\(abs(Int(tenths)) % 10)"
    }
}
