import Foundation

/// The command line of `gameday-bench probes` (and of its `probe-memory` child).
struct ProbeBenchOptions: Sendable {
    var target = ""
    /// The path probed on the lab's gateway: a static answer, so the bench measures the client.
    var path = "/health"
    var wrk = "/usr/bin/wrk"
    /// Connections of wrk, and users of the engine in its saturating mode.
    var connections = 50
    var throughputSeconds = 10
    var rounds = 3
    var lagUsers = 1000
    var lagSeconds = 20
    var memoryUsers = 1000
    var memorySeconds = 60
    /// The probe interval of the lag and memory runs, in milliseconds (100: 10 Hz).
    var intervalMilliseconds = 100
    /// `probe-memory` only: probe this URL directly.
    var url = ""

    init(_ arguments: [String]) throws(BenchError) {
        for (option, value) in try BenchOptions.pairs(arguments) {
            switch option {
            case "--target": target = value
            case "--path": path = value
            case "--wrk": wrk = value
            case "--url": url = value
            case "--connections": connections = try BenchOptions.count(option, value)
            case "--throughput-seconds": throughputSeconds = try BenchOptions.count(option, value)
            case "--rounds": rounds = try BenchOptions.count(option, value)
            case "--lag-users": lagUsers = try BenchOptions.count(option, value)
            case "--lag-seconds": lagSeconds = try BenchOptions.count(option, value)
            case "--memory-users": memoryUsers = try BenchOptions.count(option, value, allowZero: true)
            case "--memory-seconds": memorySeconds = try BenchOptions.count(option, value)
            case "--interval-ms": intervalMilliseconds = try BenchOptions.count(option, value)
            default: throw .usage("unknown option \(option)")
            }
        }
    }
}
