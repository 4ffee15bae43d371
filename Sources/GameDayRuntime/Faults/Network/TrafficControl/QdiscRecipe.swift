/// Turns a qdisc that `tc -j` reported back into the `tc` arguments that re-create it.
///
/// Only kinds whose JSON options say everything there is to know: a tbf made with a peak rate
/// reports only `minburst` (the peak rate is lost), so it, like any unknown option or kind,
/// is not re-creatable and gameday refuses to replace it.
enum QdiscRecipe {
    /// Options that are statistics, not configuration: ignored when comparing.
    static let statistics: Set<String> = ["direct_packets_stat"]

    /// The arguments after the kind (`rate 100000bit burst 16384 latency 50000us`); `nil` when
    /// the qdisc cannot be re-created faithfully.
    static func arguments(_ qdisc: Qdisc) -> [String]? {
        let options = qdisc.options.filter { !statistics.contains($0.key) }
        func int(_ key: String) -> Int? {
            guard let value = options[key]?.number, value >= 0, value == value.rounded(), value < 1e15 else {
                return nil
            }
            return Int(value)
        }
        func only(_ keys: Set<String>) -> Bool { Set(options.keys).isSubset(of: keys) }

        switch qdisc.kind {
        case "pfifo", "bfifo":
            guard only(["limit"]) else { return nil }
            return int("limit").map { ["limit", "\($0)"] } ?? []
        case "pfifo_fast":
            // Its bands and priomap are fixed by the kernel; there is nothing to set.
            return []
        case "tbf":
            // JSON gives the rate in bytes per second, the burst in bytes and the latency in microseconds.
            guard only(["rate", "burst", "lat"]), let rate = int("rate"), let burst = int("burst"),
                let latency = int("lat")
            else { return nil }
            return ["rate", "\(rate * 8)bit", "burst", "\(burst)", "latency", "\(latency)us"]
        case "htb":
            guard only(["r2q", "default", "direct_qlen"]) else { return nil }
            var arguments: [String] = []
            if let r2q = int("r2q") { arguments += ["r2q", "\(r2q)"] }
            if let value = options["default"] {
                // Reported as "0x10"; tc reads htb's default class as hex without the prefix.
                guard let text = value.string, text.hasPrefix("0x"), UInt32(text.dropFirst(2), radix: 16) != nil else {
                    return nil
                }
                arguments += ["default", String(text.dropFirst(2))]
            }
            if let qlen = int("direct_qlen") { arguments += ["direct_qlen", "\(qlen)"] }
            return arguments
        case "prio":
            guard only(["bands", "priomap", "multiqueue"]), let bands = int("bands") else { return nil }
            let map = options["priomap"]?.array?.compactMap(\.number).map { "\(Int($0))" } ?? []
            guard map.count == 16 else { return nil }
            return ["bands", "\(bands)", "priomap"] + map + (options["multiqueue"]?.bool == true ? ["multiqueue"] : [])
        default:
            return nil
        }
    }

    /// Same kind, handle, placement and options; numbers may differ by 1% (tc's time-unit rounding).
    static func same(_ a: Qdisc, _ b: Qdisc) -> Bool {
        guard a.kind == b.kind, a.handle == b.handle, a.parent == b.parent, a.isRoot == b.isRoot else { return false }
        let keys = Set(a.options.keys).union(b.options.keys).subtracting(statistics)
        return keys.allSatisfy { key in
            // Integer or not: tc writes whole numbers, but a number is a number.
            if let x = a.options[key]?.number, let y = b.options[key]?.number {
                return abs(x - y) <= max(2, max(abs(x), abs(y)) * 0.01)
            }
            return a.options[key] == b.options[key]
        }
    }
}
