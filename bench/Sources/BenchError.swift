import Foundation

/// Why the benchmark could not run or finish; every message says what to do.
enum BenchError: LocalizedError {
    case usage(String)
    case notRoot
    case commandFailed(argv: [String], exitCode: Int32, lastLine: String)
    case unknownPort(service: String, labFile: String)
    case drillWaitsNotFixed(drill: String, reason: String)
    /// Something the benchmark needs did not work.
    case failed(String)

    var errorDescription: String? {
        switch self {
        case .usage(let message):
            "\(message)\nusage: gameday-bench --target LAB/target.yaml [--runs 50] [--overhead-runs 5] "
                + "[--gameday PATH] [--drill PATH] [--run-id ID]\n"
                + "       gameday-bench probes --target LAB/target.yaml [--path /health] [--wrk PATH] [--connections 50] "
                + "[--throughput-seconds 10] [--rounds 3] [--lag-users 1000] [--lag-seconds 20] [--memory-users 1000] "
                + "[--memory-seconds 60] [--interval-ms 100]\n"
                + "       gameday-bench ssh [--hosts 1,5,20] [--runs 10]"
        case .notRoot:
            "the fault drivers need root (kill, nft, iptables, tc, ip netns): run the benchmark as root"
        case .commandFailed(let argv, let exitCode, let lastLine):
            "\(argv.joined(separator: " ")) failed (exit \(exitCode)): \(lastLine)"
        case .unknownPort(let service, let labFile):
            "neither the target nor \(labFile) gives the port of \(service): point --target at a lab's target.yaml"
        case .failed(let message):
            message
        case .drillWaitsNotFixed(let drill, let reason):
            "\(drill) cannot measure the run's overhead: \(reason); use a drill whose waits are fixed, "
                + "like drills/storefront-weak-dependency.yaml"
        }
    }
}
