import Foundation

/// Why `gameday init` wrote nothing.
public enum StarterError: LocalizedError, Sendable, Hashable {
    /// No HTTP answer at all from the gateway.
    case gatewayUnreachable(url: String, reason: String)
    /// No answer to a sample key named a unit anywhere gameday looked; `answers` says what came.
    case noUnitNamed(answers: [String], units: [String]?)
    /// Every key that named a unit named the same one, at `place` (`the X-Unit header`).
    case oneUnitOnly(unit: String, keys: [Int], place: String)
    /// Keys served elsewhere than `--routing` says: `5000 → beijing, --routing says hangzhou`.
    case routingDisagrees([String])
    /// Files that exist and would be replaced.
    case wouldOverwrite([String])
    /// A file or directory that could not be written.
    case unwritable(path: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .gatewayUnreachable(let url, let reason):
            return "the gateway at \(url) did not answer (\(reason)): check the URL and that this machine reaches it; "
                + "gameday init learns the starter files from the running system, so it wrote nothing"
        case .noUnitNamed(let answers, let units):
            let looked =
                units.map { "a header or a JSON field whose value is \($0.joined(separator: " or "))" }
                ?? "a header or a JSON field named like unit, zone, cell, region, site or idc"
            return "no answer named the unit that served it (looked for \(looked)); the answers were: "
                + answers.joined(separator: "; ")
                + ". Check --path and --key-param (the request must reach a unit), or pass --units with the unit "
                + "names your system puts in its answers"
        case .oneUnitOnly(let unit, let keys, let place):
            return "every key asked named the same unit, \(unit), in \(place) (keys "
                + "\(keys.map(String.init).joined(separator: ", "))): a drill needs a unit to fail and another to take "
                + "its users over; pass --key with keys of the other units (repeatable), check --key-param, or pass "
                + "--units with the unit names your system puts in its answers"
        case .routingDisagrees(let keys):
            return "the gateway routes keys otherwise than --routing says: \(keys.joined(separator: "; ")); "
                + "correct --routing, or leave it out to have the ranges inferred from the answers"
        case .wouldOverwrite(let paths):
            return "\(paths.joined(separator: " and ")) already exist\(paths.count == 1 ? "s" : ""): pass --force to "
                + "replace \(paths.count == 1 ? "it" : "them"), or --output DIR to write elsewhere"
        case .unwritable(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
