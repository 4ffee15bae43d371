import Foundation

/// `gameday-bench delay-receive --port P --ready FILE --seconds S --expect N [--undelayed-below-us U]`
/// (hidden; run in the receiver's namespace by `DelayBenchStep`): receives `DelayBenchDatagram`s
/// until the end marker or `S` seconds, and prints the one-way latencies' order statistics as JSON.
enum DelayBenchReceiver {
    /// What arrived, in nanoseconds of one-way latency (receiver's clock after `recv` − sender's stamp).
    struct Summary: Codable, Sendable, Hashable {
        /// Distinct datagrams of the run (warm-up and end markers not counted).
        var received = 0
        var duplicates = 0
        /// Arrived after a datagram sent later than them.
        var reordered = 0
        /// Arrived faster than `--undelayed-below-us`: let through without the delay.
        var undelayed = 0
        var minimum: Int64 = 0
        var p50: Int64 = 0
        var p99: Int64 = 0
        var maximum: Int64 = 0
    }

    static func run(_ arguments: [String]) throws(BenchError) -> String {
        var port = 0
        var ready = ""
        var seconds = 0
        var expected = 0
        var undelayedBelow: Int64 = 0
        for (option, value) in try BenchOptions.pairs(arguments) {
            switch option {
            case "--port": port = try BenchOptions.count(option, value)
            case "--ready": ready = value
            case "--seconds": seconds = try BenchOptions.count(option, value)
            case "--expect": expected = try BenchOptions.count(option, value)
            case "--undelayed-below-us":
                undelayedBelow = Int64(try BenchOptions.count(option, value, allowZero: true)) * 1_000
            default: throw .usage("unknown option \(option) of delay-receive")
            }
        }
        guard port > 0, port <= Int(UInt16.max), !ready.isEmpty, seconds > 0, expected > 0 else {
            throw .usage("delay-receive needs --port P --ready FILE --seconds S --expect N [--undelayed-below-us U]")
        }
        let descriptor = try DelayBenchDatagram.socket(bindingPort: UInt16(port))
        defer { close(descriptor) }
        // A wake-up every 100 ms to look at the deadline and the parent; a buffer that holds a
        // whole delay's worth of datagrams at 10,000/s, should the receiver be scheduled out.
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bufferSize: Int32 = 16 << 20
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUFFORCE, &bufferSize, socklen_t(MemoryLayout<Int32>.size))
        guard FileManager.default.createFile(atPath: ready, contents: Data("\(getpid())\n".utf8)) else {
            throw .failed("delay-receive cannot write its ready file \(ready)")
        }

        let parent = getppid()
        let deadline = DelayBenchDatagram.now() + UInt64(seconds) * 1_000_000_000
        var latencies: [Int64] = []
        latencies.reserveCapacity(expected)
        var seen = [Bool](repeating: false, count: expected)
        var highest = -1
        var summary = Summary()
        var buffer = [UInt8](repeating: 0, count: 2_048)
        while DelayBenchDatagram.now() < deadline {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            let arrived = DelayBenchDatagram.now()
            guard count > 0 else {
                if getppid() != parent { break }
                continue
            }
            guard let (sequence, sent) = DelayBenchDatagram.read(buffer, count: count) else { continue }
            if sequence == DelayBenchDatagram.end { break }
            guard sequence < UInt64(expected) else { continue }
            let index = Int(sequence)
            if seen[index] {
                summary.duplicates += 1
                continue
            }
            seen[index] = true
            if index < highest { summary.reordered += 1 } else { highest = index }
            let latency = Int64(bitPattern: arrived &- sent)
            if latency < undelayedBelow { summary.undelayed += 1 }
            latencies.append(latency)
        }
        latencies.sort()
        summary.received = latencies.count
        if let first = latencies.first, let last = latencies.last {
            (summary.minimum, summary.maximum) = (first, last)
            summary.p50 = Self.percentile(50, of: latencies)
            summary.p99 = Self.percentile(99, of: latencies)
        }
        let json = try? JSONEncoder().encode(summary)
        return String(decoding: json ?? Data(), as: UTF8.self)
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ percent: Double, of sorted: [Int64]) -> Int64 {
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
