import Foundation

/// The delay bench's UDP datagram: a sequence number and the `CLOCK_MONOTONIC` instant it was
/// sent, little-endian, padded to 64 bytes. Sender and receiver are on one host (or in one VM),
/// so the receiver's clock minus the sender's stamp is the one-way latency.
enum DelayBenchDatagram {
    static let size = 64
    /// Ends the receiver (sent three times, after the last packet's delay has passed).
    static let end = UInt64.max
    /// Resolves the neighbour before the first timed packet; the receiver ignores it.
    static let warmUp = UInt64.max - 1

    /// Monotonic nanoseconds, the clock both ends stamp with.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Writes `sequence` and the instant now into `buffer`; the stamp is the last thing taken before sending.
    static func stamp(_ sequence: UInt64, into buffer: inout [UInt8]) {
        write(sequence, at: 0, into: &buffer)
        write(now(), at: 8, into: &buffer)
    }

    /// The sequence number and the sender's stamp, or nil for a datagram too short to be ours.
    static func read(_ buffer: [UInt8], count: Int) -> (sequence: UInt64, sent: UInt64)? {
        guard count >= 16 else { return nil }
        return (value(at: 0, in: buffer), value(at: 8, in: buffer))
    }

    /// An IPv4 UDP socket; with `bindingPort`, bound to it on every address.
    static func socket(bindingPort port: UInt16? = nil) throws(BenchError) -> Int32 {
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw .failed("cannot open a UDP socket: \(String(cString: strerror(errno)))") }
        guard let port else { return descriptor }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            throw .failed(
                "cannot bind UDP port \(port): \(String(cString: strerror(errno))); is another bench running?")
        }
        return descriptor
    }

    /// Connects `descriptor` to `host` (dotted IPv4) and `port`, so that `send` needs no address.
    static func connect(_ descriptor: Int32, to host: String, port: UInt16) throws(BenchError) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw .usage("\(host) is not an IPv4 address") }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            throw .failed("cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
    }

    private static func write(_ value: UInt64, at offset: Int, into buffer: inout [UInt8]) {
        for index in 0..<8 { buffer[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }

    private static func value(at offset: Int, in buffer: [UInt8]) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(buffer[offset + $1]) << (8 * $1) }
    }
}
