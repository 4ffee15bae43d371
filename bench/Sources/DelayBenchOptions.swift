import Foundation

/// The command line of `gameday-bench delay`. Every option takes a value (`BenchOptions.pairs`).
struct DelayBenchOptions: Sendable {
    /// What delays the path in the delayed runs.
    enum Backend: String, Sendable, Codable {
        /// `gameday delayer` behind an NFQUEUE rule on the receiver's INPUT.
        case nfqueue
        /// `tc qdisc … root netem` on the sender's veth: the same one-way path, delayed on its way out.
        case netem
    }

    /// How the NFQUEUE rule is written: iptables-nft's `-j NFQUEUE` (this machine's kernel has no
    /// nft `queue` expression), or nft's `queue` (the VM's kernel has it but not xt_NFQUEUE).
    enum QueueRule: String, Sendable {
        case iptables, nft
    }

    enum Emit: String, Sendable {
        case table, json
    }

    var backends: [Backend] = [.nfqueue]
    var queueRule = QueueRule.iptables
    var delayMilliseconds = 50
    var jitterMilliseconds = 10
    var accuracyRate = 200
    var accuracySeconds = 4
    var rates = [100, 1_000, 10_000]
    var rateSeconds = 3
    /// The `gameday` binary whose `delayer` is measured: by default the one built beside this bench.
    var gameday = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("gameday").path
    /// `scripts/vm.sh`, for the netem side (this machine's kernel has no sch_netem); `none` to skip it.
    var vm = "scripts/vm.sh"
    var emit = Emit.table
    /// Names the namespaces `gameday-bench-<id>-c|s` and interfaces `gd<id>c|s`.
    var runID = "d\(getpid())"

    init(_ arguments: [String]) throws(BenchError) {
        for (option, value) in try BenchOptions.pairs(arguments) {
            switch option {
            case "--backends":
                backends = try value.split(separator: ",").map { (name) throws(BenchError) -> Backend in
                    guard let backend = Backend(rawValue: String(name)) else {
                        throw Self.usage("unknown backend \(name)")
                    }
                    return backend
                }
            case "--queue-rule":
                guard let rule = QueueRule(rawValue: value) else { throw Self.usage("--queue-rule is iptables or nft") }
                queueRule = rule
            case "--delay-ms": delayMilliseconds = try BenchOptions.count(option, value)
            case "--jitter-ms": jitterMilliseconds = try BenchOptions.count(option, value, allowZero: true)
            case "--accuracy-rate": accuracyRate = try BenchOptions.count(option, value)
            case "--accuracy-seconds": accuracySeconds = try BenchOptions.count(option, value)
            case "--rates":
                rates = try value.split(separator: ",").map { (text) throws(BenchError) -> Int in
                    try BenchOptions.count(option, String(text))
                }
            case "--rate-seconds": rateSeconds = try BenchOptions.count(option, value)
            case "--gameday": gameday = URL(fileURLWithPath: value).path
            case "--vm": vm = value
            case "--emit":
                guard let format = Emit(rawValue: value) else { throw Self.usage("--emit is table or json") }
                emit = format
            case "--run-id": runID = value
            default: throw Self.usage("unknown option \(option)")
            }
        }
        guard !backends.isEmpty, !rates.isEmpty else { throw Self.usage("--backends and --rates need a value each") }
        guard jitterMilliseconds < delayMilliseconds else { throw Self.usage("--jitter-ms must be below --delay-ms") }
        // The interface names gd<id>c must fit the kernel's 15 characters.
        guard (1...12).contains(runID.count), runID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw Self.usage("--run-id must be 1 to 12 letters or digits, not '\(runID)'")
        }
    }

    /// The options that the run inside the VM shares with this one.
    var sharedArguments: [String] {
        [
            "--delay-ms", "\(delayMilliseconds)", "--jitter-ms", "\(jitterMilliseconds)", "--accuracy-rate",
            "\(accuracyRate)", "--accuracy-seconds", "\(accuracySeconds)", "--rates",
            rates.map(String.init).joined(separator: ","), "--rate-seconds", "\(rateSeconds)",
        ]
    }

    static func usage(_ message: String) -> BenchError {
        .usage(
            "\(message)\n(gameday-bench delay [--backends nfqueue,netem] [--queue-rule iptables|nft] [--delay-ms 50] "
                + "[--jitter-ms 10] [--accuracy-rate 200] [--accuracy-seconds 4] [--rates 100,1000,10000] "
                + "[--rate-seconds 3] [--gameday PATH] [--vm scripts/vm.sh|none] [--emit table|json] [--run-id ID])")
    }
}
