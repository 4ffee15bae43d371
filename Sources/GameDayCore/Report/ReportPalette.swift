/// The report's colours: green and red mean success and failure and nothing else; units get hues
/// far from both, so a unit band never reads as an outcome.
struct ReportPalette: Sendable, Hashable {
    static let ok = "#2da44e"
    static let failed = "#cf222e"
    static let noAnswer = "#8c959f"
    static let ink = "#1f2328"
    static let muted = "#59636e"
    static let grid = "#d1d9e0"

    /// Unit hues in the order units are first named (blue and purple for the usual two).
    static let unitHues = ["#0969da", "#8250df", "#bf8700", "#1b7c83", "#953800", "#bf3989", "#4d2d00", "#0a3069"]

    /// The colour of each unit of the run, by name.
    var units: [String: String]
    /// The units in legend order.
    var unitOrder: [String]

    init(_ result: RunResult) {
        var order: [String] = []
        func note(_ unit: String?) {
            if let unit, !order.contains(unit) { order.append(unit) }
        }
        for user in result.users {
            note(user.home)
            note(user.servedBefore)
            note(user.servedAfter)
            for segment in user.timeline { note(segment.unit) }
        }
        for group in result.groups {
            for bucket in group.buckets { for unit in bucket.units.keys.sorted() { note(unit) } }
        }
        unitOrder = order
        units = Dictionary(
            uniqueKeysWithValues: order.enumerated().map { ($1, Self.unitHues[$0 % Self.unitHues.count]) })
    }

    /// The colour of `unit`, grey for probes nobody answered.
    func colour(of unit: String?) -> String {
        unit.flatMap { units[$0] } ?? Self.noAnswer
    }

    /// The band colour of a phase of the run.
    static func phase(_ phase: RunPhase) -> String {
        switch phase {
        case .preflight: "#eaeef2"
        case .steadyState: "#dbe9f6"
        case .inject: "#ffd8d3"
        case .observe: "#fff1c2"
        case .decide: "#ffe4a8"
        case .cutover: "#d8e8ff"
        case .recovery: "#d2f4d3"
        case .rpo: "#fbe3c8"
        case .rollback: "#eadcff"
        case .verifyRollback: "#f2ebff"
        }
    }

    /// The colours of the RTO's four parts, in order.
    static let rtoParts = ["#e16f24", "#d4a72c", "#0969da", "#8250df"]
}
