import Foundation

/// The command line of `gameday-bench`. Parsed by hand: the bench depends on the core and
/// runtime libraries only, not on the CLI's argument parser.
struct BenchOptions: Sendable {
    var target = ""
    var runs = 50
    var overheadRuns = 5
    /// The `gameday` binary whose `run` and `validate` are timed: by default the one built beside this bench.
    var gameday = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("gameday").path
    var drill = "drills/storefront-weak-dependency.yaml"
    /// Names everything the bench creates: firewall tables `gameday_<id>_N`, chains `GAMEDAY-<id>-N`,
    /// namespaces `gameday-bench-<id>-c|s`, interfaces `gd<id>c|s`.
    var runID = "b\(getpid())"

    init(_ arguments: [String]) throws(BenchError) {
        for (option, value) in try Self.pairs(arguments) {
            switch option {
            case "--target": target = value
            case "--runs": runs = try Self.count(option, value)
            case "--overhead-runs": overheadRuns = try Self.count(option, value)
            case "--gameday": gameday = value
            case "--drill": drill = value
            case "--run-id": runID = value
            default: throw .usage("unknown option \(option)")
            }
        }
        guard !target.isEmpty else { throw .usage("--target is required") }
        // The interface names gd<id>c must fit the kernel's 15 characters.
        guard (1...12).contains(runID.count), runID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw .usage("--run-id must be 1 to 12 letters or digits, not '\(runID)'")
        }
    }

    /// `--option value` pairs: every option of the bench takes a value.
    static func pairs(_ arguments: [String]) throws(BenchError) -> [(option: String, value: String)] {
        var rest = arguments[...]
        var pairs: [(option: String, value: String)] = []
        while let option = rest.popFirst() {
            guard let value = rest.popFirst() else { throw .usage("\(option) needs a value") }
            pairs.append((option, value))
        }
        return pairs
    }

    /// The value of a count option: a positive number, or zero where `allowZero`.
    static func count(_ option: String, _ value: String, allowZero: Bool = false) throws(BenchError) -> Int {
        guard let count = Int(value), count > 0 || (allowZero && count == 0) else {
            throw .usage("\(option) must be a positive number, not '\(value)'")
        }
        return count
    }
}
