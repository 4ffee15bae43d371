import Foundation

/// `gameday-bench delay-send --to ADDRESS --port P --rate R --seconds S --tail-ms T` (hidden; run in
/// the sender's namespace by `DelayBenchStep`): sends `R × S` datagrams, one per slot of `1/R` s on
/// the monotonic clock, each stamped as it leaves; waits `T` ms for the last one's delay to pass,
/// sends the end marker, and prints what it sent as JSON.
enum DelayBenchSender {
    struct Report: Codable, Sendable, Hashable {
        var sent = 0
        /// `send` calls that failed (the datagram never left).
        var failed = 0
        /// From the first slot to the last send.
        var seconds = 0.0
        /// The latest any datagram left after its slot: the sender's own lag, included in the
        /// reference as in the delayed runs.
        var worstLateMicroseconds = 0.0

        var rate: Double { seconds > 0 ? Double(sent) / seconds : 0 }
    }

    static func run(_ arguments: [String]) throws(BenchError) -> String {
        var host = ""
        var port = 0
        var rate = 0
        var seconds = 0
        var tail = 0
        for (option, value) in try BenchOptions.pairs(arguments) {
            switch option {
            case "--to": host = value
            case "--port": port = try BenchOptions.count(option, value)
            case "--rate": rate = try BenchOptions.count(option, value)
            case "--seconds": seconds = try BenchOptions.count(option, value)
            case "--tail-ms": tail = try BenchOptions.count(option, value, allowZero: true)
            default: throw .usage("unknown option \(option) of delay-send")
            }
        }
        guard !host.isEmpty, port > 0, port <= Int(UInt16.max), rate > 0, seconds > 0 else {
            throw .usage("delay-send needs --to ADDRESS --port P --rate R --seconds S [--tail-ms T]")
        }
        let descriptor = try DelayBenchDatagram.socket()
        defer { close(descriptor) }
        try DelayBenchDatagram.connect(descriptor, to: host, port: UInt16(port))
        var buffer = [UInt8](repeating: 0, count: DelayBenchDatagram.size)
        func send(_ sequence: UInt64) -> Bool {
            DelayBenchDatagram.stamp(sequence, into: &buffer)
            return Glibc.send(descriptor, buffer, buffer.count, 0) == buffer.count
        }
        for _ in 0..<3 {
            _ = send(DelayBenchDatagram.warmUp)
            sleep(until: DelayBenchDatagram.now() + 5_000_000)
        }

        let parent = getppid()
        let interval = 1_000_000_000 / UInt64(rate)
        let start = DelayBenchDatagram.now() + 1_000_000
        var report = Report()
        var worstLate: UInt64 = 0
        for index in 0..<UInt64(rate * seconds) {
            let slot = start + index * interval
            sleep(until: slot)
            worstLate = max(worstLate, DelayBenchDatagram.now() &- slot)
            if send(index) { report.sent += 1 } else { report.failed += 1 }
            // Orphaned (the bench was killed): stop rather than keep sending into a namespace being deleted.
            if index % 1_000 == 999, getppid() != parent { break }
        }
        report.seconds = Double(DelayBenchDatagram.now() - start) / 1e9
        report.worstLateMicroseconds = Double(worstLate) / 1e3
        sleep(until: DelayBenchDatagram.now() + UInt64(tail) * 1_000_000)
        for _ in 0..<3 {
            _ = send(DelayBenchDatagram.end)
            sleep(until: DelayBenchDatagram.now() + 20_000_000)
        }
        let json = try? JSONEncoder().encode(report)
        return String(decoding: json ?? Data(), as: UTF8.self)
    }

    /// Sleeps until the monotonic clock reads `instant` (nanoseconds); returns at once when it has passed.
    static func sleep(until instant: UInt64) {
        var time = timespec(tv_sec: Int(instant / 1_000_000_000), tv_nsec: Int(instant % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
    }
}
